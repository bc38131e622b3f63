"""Roles and what each may do, per area (app label) and action (view, add, change, delete)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ALL = "*"
READ = frozenset({"view"})
WRITE = frozenset({"view", "add", "change"})
FULL = frozenset({"view", "add", "change", "delete", "reveal"})


class Role(models.TextChoices):
    """A user's role. The anonymous public holds no role and sees only what is published."""

    BOARD_ADMIN = "board_admin", _("Board administrator")
    BOARD_ANALYST = "board_analyst", _("Board analyst")
    INSTITUTION_HEAD = "institution_head", _("Institution head")
    INSTITUTION_STAFF = "institution_staff", _("Institution staff")
    CENTRE_STAFF = "centre_staff", _("Innovation-centre staff")
    OBSERVER = "observer", _("Observer (methodologist)")
    MINISTRY = "ministry", _("Ministry (figures of every board)")


# Roles that see every institution of their boards; the others see only the institutions assigned to them.
BOARD_WIDE_ROLES = frozenset({Role.BOARD_ADMIN, Role.BOARD_ANALYST, Role.OBSERVER})
# The national role reads every board's figures and no row of any institution (no child's personal data): its
# institution scope is empty, and the figures-only paths (/national/, the stats APIs and commands) compute for it.
NATIONAL_ROLES = frozenset({Role.MINISTRY})

# Roles that open the boards' comparison (`/national/`): the ministry every board, board administrators and
# analysts their own boards (superusers too).
COMPARISON_ROLES = frozenset({Role.MINISTRY, Role.BOARD_ADMIN, Role.BOARD_ANALYST})


def may_compare_boards(user: object) -> bool:
    """Whether `user` opens the boards' comparison (`reports.national`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in COMPARISON_ROLES)


# Roles that must use a second factor (TOTP) before they reach any page.
SECOND_FACTOR_ROLES = frozenset({Role.BOARD_ADMIN})

# City-wide reference data of the quality area: read by everyone who works with quality data, changed by the
# board only (a head, an institution's staff or an observer never revises the city's form or thresholds).
QUALITY_REFERENCE: dict[str, frozenset[str]] = {
    f"quality.{model}": READ
    for model in (
        "observationform",
        "criteriongroup",
        "criterion",
        "answerscale",
        "scaleoption",
        "passthreshold",
        "framework",
        "frameworkarea",
        "frameworkcriterion",
    )
}
# The board's judgements of institutions and heads: read by a head (their own, by `visible_to`), recorded by the
# board. A head's self-assessment is their institution's to write (see SELF_ASSESSMENT_READ for the others).
BOARD_JUDGEMENTS: dict[str, frozenset[str]] = {
    f"quality.{model}": READ
    for model in ("accreditation", "accreditationlevel", "headevaluation", "headevaluationlevel", "unifiedschoolstatus")
}
# Staff and observers read self-assessments and accreditations; heads' evaluations are not theirs to see.
SELF_ASSESSMENT_READ: dict[str, frozenset[str]] = {
    **{
        f"quality.{model}": READ
        for model in ("selfassessment", "selfassessmententry", "evidence", "accreditation", "accreditationlevel")
    },
    **{f"quality.{model}": frozenset() for model in ("headevaluation", "headevaluationlevel", "unifiedschoolstatus")},
}

# The innovation centre's apps: the centre itself (label `innovation`) and the areas that stand on it. A role holds
# them together, as it did when they were one app.
CENTRE_APPS = ("innovation", "competitions", "courses", "materials", "events")


def centre_apps(actions: frozenset[str]) -> dict[str, frozenset[str]]:
    return dict.fromkeys(CENTRE_APPS, actions)


# role -> app label (or ALL) -> allowed actions. Scope (which rows) is decided by visible_to.
ROLE_PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    Role.BOARD_ADMIN: {ALL: FULL},
    Role.BOARD_ANALYST: {
        ALL: READ,
        # A subject-access answer holds a child's whole record with the full personal code: the administrators
        # and the heads who prepare it read it, an analyst (who sees codes masked) does not.
        "privacy.accessrequest": frozenset(),
    },
    Role.INSTITUTION_HEAD: {
        # Heads manage groups, learners and the queue of their institutions (and see full personal
        # codes of their learners); institutions and programmes are the board's.
        "registry": WRITE | {"reveal"},
        "registry.institution": READ,
        "registry.board": READ,
        "registry.programme": READ,
        "registry.municipality": READ,
        "registry.residentselsewhere": READ,
        # Heads manage their institutions' staff, rates, vacancies and training records; position
        # kinds and training requirements are the board's.
        "people": WRITE | {"reveal"},
        "people.positionkind": READ,
        "people.trainingrequirement": READ,
        # Heads read their institutions' money; settlements between municipalities are the board's.
        "finance": READ,
        "finance.settlementline": frozenset(),
        # Heads manage their institutions' devices, loans, licences, rooms and stock-takes; the kinds are the board's.
        "assets": WRITE,
        "assets.assetkind": READ,
        # Heads keep their institutions' projects; the funding programmes are the board's.
        "projects": WRITE,
        "projects.projectprogramme": READ,
        "quality": FULL,
        **QUALITY_REFERENCE,
        **BOARD_JUDGEMENTS,
        # Heads read their institutions' survey results, bring in their populations and issue answering codes and
        # links (surveys.add_response); the surveys, their questions and the import of paper answers are the board's.
        "surveys": READ,
        "surveys.population": WRITE,
        "surveys.response": WRITE,
        "surveys.answer": WRITE,
        # Heads and their support teams keep their learners' absences, term results and support plans; the
        # risk rules' thresholds are the board's.
        "prevention": WRITE,
        "prevention.riskrule": READ,
        "dataquality": READ,
        **centre_apps(READ),
        # The events calendar is shared: heads enter their institutions' events.
        "events.event": WRITE,
        # Interest education: heads keep their clubs and their collectives' festival participation; the
        # municipality's licences are the board's register.
        "registry.municipallicence": READ,
        "interest.festivalparticipation": WRITE,
        "reports": WRITE,
        # Heads prepare the answer to a parent's request for their own learners' data; the board signs it off.
        "privacy.accessrequest": WRITE,
    },
    Role.INSTITUTION_STAFF: {
        "registry": READ,
        "people": READ,
        "assets": READ,
        "projects": READ,
        "quality": WRITE,
        **QUALITY_REFERENCE,
        **SELF_ASSESSMENT_READ,
        "events.event": READ,
        "interest.festivalparticipation": READ,
        # Teachers read the centre's teaching materials (teachers-only ones too).
        "materials.material": READ,
        "materials.materialversion": READ,
        "reports": READ,
    },
    Role.CENTRE_STAFF: {
        "registry": READ,
        **centre_apps(FULL),
        "reports": READ,
    },
    Role.OBSERVER: {
        "registry": READ,
        "people": READ,
        "quality": WRITE,
        **QUALITY_REFERENCE,
        **SELF_ASSESSMENT_READ,
        "surveys": READ,
        "events.event": READ,
        "materials.material": READ,
        "materials.materialversion": READ,
        "reports": READ,
    },
    # Figures only: no model is the ministry's to read row by row.
    Role.MINISTRY: {},
}

# Areas that hold nothing a role may manage, whatever ALL says: the audit trail and
# accounts are read and changed by board administrators only.
ADMIN_ONLY_APPS = frozenset({"auditlog", "accounts", "axes", "otp_totp", "authtoken", "auth"})


def role_allows(role: str, app_label: str, action: str, model: str = "") -> bool:
    """Whether `role` may do `action` (view/add/change/delete/reveal) on `model` of `app_label`.

    A rule for "app.model" wins over one for the app, which wins over ALL.
    """
    if app_label in ADMIN_ONLY_APPS and role != Role.BOARD_ADMIN:
        return False
    rules = ROLE_PERMISSIONS.get(role, {})
    allowed = rules.get(f"{app_label}.{model}", rules.get(app_label, rules.get(ALL, frozenset())))
    return action in allowed

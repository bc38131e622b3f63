"""Reads of the privacy area: a learner's subject-access answer, the record of processing (GDPR Art. 30) and the
facts a data protection impact assessment starts from. All three read the one catalogue (privacy.catalogue)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eduboard.accounts.roles import SECOND_FACTOR_ROLES, Role, role_allows
from eduboard.core.scope import Viewer, scoped
from eduboard.dataquality.models import DataIssue
from eduboard.privacy.catalogue import CATEGORIES, Category, linked_categories
from eduboard.privacy.models import RetentionRule
from eduboard.privacy.retention import KINDS, KINDS_BY_CODE, ground_words, rules_in_force
from eduboard.registry.models import Enrolment, Learner
from eduboard.surveys.models import AccessCode


def _shown(row: models.Model, name: str) -> Any:
    """A field of a row as the answer shows it: a choice by its label, a related row by its name, a date in ISO."""
    field = row._meta.get_field(name)
    if field.many_to_many:
        return [str(item) for item in getattr(row, name).all()]
    value = getattr(row, name)
    if getattr(field, "choices", None):
        return str(getattr(row, f"get_{name}_display")())
    if value is None or isinstance(value, bool | int | str | list | dict):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    """A field's name as people read it (its verbose name, in the active language)."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _rows_of(category: Category, learner: Learner, viewer: Viewer) -> list[models.Model]:
    """The category's rows about `learner` that `viewer` may read (the model family's `visible_to`): a head's
    answer holds their institutions' rows only, never those of a school the child attended before or besides."""
    model = category.model_class
    rows = scoped(model._default_manager.all(), viewer).filter(**{category.learner: learner.pk})
    relations = [
        name
        for name in category.fields
        if model._meta.get_field(name).many_to_one or model._meta.get_field(name).one_to_one
    ]
    # A related row is shown by its name, which may name its own required relations (a group "2.a (2025/26)"): those
    # are joined too, so the rows are read in one query however many there are.
    beyond = [
        f"{name}__{field.name}"
        for name in relations
        for field in cast(type[models.Model], model._meta.get_field(name).related_model)._meta.concrete_fields
        if field.many_to_one and not field.null
    ]
    if relations:
        rows = rows.select_related(*relations, *beyond)
    many = [name for name in category.fields if model._meta.get_field(name).many_to_many]
    if many:
        rows = rows.prefetch_related(*many)
    return list(rows.order_by("pk"))


def _rules_in_force() -> dict[str, RetentionRule]:
    """Each kind's code with the rule that holds for it (`retention.rules_in_force`)."""
    return {kind.code: rule for kind, rule in rules_in_force(RetentionRule.objects.all())}


def _retention_words(category: Category, rules: dict[str, RetentionRule]) -> str:
    """`rules`: every kind's rule in force (`_rules_in_force`)."""
    kinds = [kind for kind in KINDS if kind.category == category.code]
    if not kinds:
        return _("kept while the learner's record is kept")
    words = []
    for kind in kinds:
        rule = rules[kind.code]
        if not rule.active:
            words.append(_("no period applied"))
            continue
        words.append(
            _("%(months)s months from %(start)s (%(ground)s)")
            % {"months": rule.months, "start": kind.counted_from, "ground": ground_words(kind, rule)}
        )
    return "; ".join(words)


def _codes_issued(learner: Learner, language: str, viewer: Viewer) -> list[dict[str, Any]]:
    """The one-time codes issued in the lists of the learner's classes (institution and list named as their
    group) that `viewer` may read, counted: never which code, never an answer."""
    groups = set(
        Enrolment.objects.visible_to(viewer).filter(learner=learner).values_list("group__institution_id", "group__name")
    )
    if not groups:
        return []
    in_lists = models.Q()
    for institution_id, group_name in groups:
        in_lists |= models.Q(institution_id=institution_id, label=group_name)
    codes = (
        AccessCode.objects.visible_to(viewer)
        .filter(in_lists)
        .values(
            "institution_id",
            "label",
            "survey__code",
            f"survey__title_{language}",
            "survey__title_lv",
            "institution__name",
        )
        .annotate(issued=models.Count("pk"))
        .order_by("institution__sort_name", "institution_id", "label", "survey__code")
    )
    return [
        {
            "survey": code["survey__code"],
            "title": code[f"survey__title_{language}"] or code["survey__title_lv"],
            "institution": code["institution__name"],
            "list": code["label"],
            "codes_issued": code["issued"],
        }
        for code in codes
    ]


def _audit_of(records: dict[type[models.Model], list[Any]]) -> list[dict[str, Any]]:
    """Who read or changed each record of the answer, and when: the audit trail's entries of those rows."""
    labels = {LogEntry.Action.CREATE: _("created"), LogEntry.Action.UPDATE: _("changed")}
    labels |= {LogEntry.Action.DELETE: _("deleted"), LogEntry.Action.ACCESS: _("read")}
    content_types = ContentType.objects.get_for_models(*records)
    model_of = {content_type.pk: model for model, content_type in content_types.items()}
    of_records = models.Q(pk__in=[])
    for model, pks in records.items():
        if pks:
            of_records |= models.Q(content_type=content_types[model], object_pk__in=[str(pk) for pk in pks])
    return [
        {
            "at": timezone.localtime(entry.timestamp).isoformat(timespec="seconds"),
            "who": (entry.actor.get_full_name() or entry.actor.get_username()) if entry.actor else _("the system"),
            "action": str(labels.get(entry.action, entry.action)),
            "record": f"{model_of[entry.content_type_id]._meta.verbose_name} #{entry.object_pk}",
            "fields": sorted((entry.changes_dict or {}).keys()) if entry.action == LogEntry.Action.UPDATE else [],
        }
        for entry in LogEntry.objects.filter(of_records).select_related("actor").order_by("timestamp", "pk")
    ]


def subject_access_answer(*, learner: Learner, language: str, visible_to: Viewer) -> dict[str, Any]:
    """Everything the system holds about `learner` (GDPR Art. 15), category by category of the catalogue, in
    `language`: each category's rows with their personal fields, why they are kept, on what ground, for how long
    and where they go; the categories that name no learner and why; the survey codes issued in the child's class
    lists (counts only); the data-quality findings that open their page; and the audit trail of every record listed
    (who read or changed it, when).

    `visible_to`: who prepares it; the answer holds only what their role may read (each row by its model family's
    `visible_to`): a head's answer their institutions' rows, a board's its board's. This is the one rule of what
    an answer holds: the request page, its PDF and JSON and the `subject_access` command all show an answer made
    here (`services.access_request_prepare`)."""
    Learner.objects.visible_to(visible_to).get(pk=learner.pk)  # a learner outside the scope is refused here too
    rules = _rules_in_force()
    with translation.override(language):
        sections = []
        records: dict[type[models.Model], list[Any]] = {}
        for category in linked_categories():
            rows = _rows_of(category, learner, visible_to)
            model = category.model_class
            records.setdefault(model, []).extend(row.pk for row in rows)
            sections.append(
                {
                    "category": category.code,
                    "model": model._meta.label,
                    "title": str(category.title),
                    "purpose": str(category.purpose),
                    "legal_ground": str(category.legal_ground),
                    "retention": _retention_words(category, rules),
                    "recipients": [str(recipient) for recipient in category.recipients],
                    "rows": [
                        {
                            "id": row.pk,
                            "fields": {_label(model, name): _shown(row, name) for name in category.fields},
                        }
                        for row in rows
                    ],
                }
            )
        issues = list(
            DataIssue.objects.visible_to(visible_to)
            .filter(url=learner.get_absolute_url())
            .values("rule", "object", "run__finished_at")
        )
        answer = {
            "learner": {
                "personal_code": learner.personal_code,
                "first_name": learner.first_name,
                "last_name": learner.last_name,
                "birth_date": learner.birth_date.isoformat(),
            },
            "controller": settings.PRIVACY_CONTROLLER,
            "language": language,
            "prepared_on": timezone.localdate().isoformat(),
            "sections": sections,
            "survey_codes": _codes_issued(learner, language, visible_to),
            "data_issues": [{"rule": issue["rule"], "row": issue["object"]} for issue in issues],
            "not_linked": [
                {"category": category.code, "title": str(category.title), "why": str(category.not_linked)}
                for category in CATEGORIES
                if not category.learner
            ],
            "audit": _audit_of(records),
        }
    return answer


def answer_records(answer: dict[str, Any]) -> set[tuple[str, int]]:
    """The records an answer lists, as (model label, id): what a test compares with the rows of the learner."""
    return {(section["model"], row["id"]) for section in answer["sections"] for row in section["rows"]}


# -- the record of processing ------------------------------------------------------------------------------------


def _readers(category: Category) -> list[str]:
    """The roles that may read the category's rows (accounts.roles), by their names."""
    name = category.model.partition(".")[2]
    model = category.model_class
    return [
        str(role.label)
        for role in Role
        if role_allows(role, model._meta.app_label, "view", model._meta.model_name or name.lower())
    ]


def processing_records(*, visible_to: Viewer) -> dict[str, Any]:
    """The record of processing activities (GDPR Art. 30) generated from the catalogue: for each category of
    personal data its subjects, the fields, the purpose, the legal ground, who may read it (from the roles), its
    retention and where it is sent; and a DPIA's facts (data kinds, scale from the rows, the safeguards in place)."""
    rules = _rules_in_force()
    categories = []
    for category in CATEGORIES:
        model = category.model_class
        categories.append(
            {
                "code": category.code,
                "title": str(category.title),
                "model": category.model,
                "subjects": str(category.subjects),
                "fields": [_label(model, name) for name in category.fields],
                "purpose": str(category.purpose),
                "legal_ground": str(category.legal_ground),
                "readers": _readers(category),
                "retention": _retention_words(category, rules),
                "recipients": [str(recipient) for recipient in category.recipients],
                "special": category.special,
                "rows": model._default_manager.count(),
            }
        )
    return {
        "controller": settings.PRIVACY_CONTROLLER,
        "generated_on": timezone.localdate().isoformat(),
        "categories": categories,
        "retention": [
            {
                "kind": kind.code,
                "title": str(kind.title),
                "action": kind.action,
                "counted_from": str(kind.counted_from),
                "months": rules[kind.code].months,
                "legal_ground": rules[kind.code].legal_ground,
                "active": rules[kind.code].active,
            }
            for kind in KINDS
        ],
        "dpia": dpia_facts(categories=categories),
    }


def dpia_facts(*, categories: list[dict[str, Any]]) -> dict[str, Any]:
    """What the system knows for a data protection impact assessment: the kinds of data (the sensitive ones
    marked), the scale (learners, records) and the safeguards that are in place; the board completes the rest."""
    learners = Learner.objects.filter(anonymised_on__isnull=True).count()
    safeguards = [
        _("Personal codes are shown masked (DDMMYY-*****) to everyone whose role does not need them."),
        _("Every read is scoped to the institutions of the user's role; the board sees all (tested for every page)."),
        _("Every full record opened and every bulk read of children's data is in the audit trail with its row count."),
        _("Every change of personal data is in the audit trail; corrections keep the old value, who and why."),
        _("Board administrators sign in with a second factor (TOTP).")
        if SECOND_FACTOR_ROLES
        else _("No role is asked for a second factor."),
        _("Exports with full personal codes ask for the password again and are limited per hour."),
        _("Retention rules anonymise or delete data past its period every night."),
        _("Survey answers are anonymous: no answer is linked to a code or a person."),
    ]
    if connection.vendor == "postgresql":
        safeguards.append(
            _(
                "PostgreSQL row-level security (the board wall) holds each request to its boards' rows of absences, "
                "term results, support plans, loans, survey codes, bookings and the preschool queue."
            )
        )
    else:
        safeguards.append(
            _(
                "On SQLite there is no row-level security: the application's scope is the only wall "
                "(PostgreSQL adds one)."
            )
        )
    return {
        "kinds": [category["title"] for category in categories],
        "sensitive": [category["title"] for category in categories if category["special"]],
        "scale": {
            "learners": learners,
            "records": sum(category["rows"] for category in categories),
            "retention_kinds": len(KINDS_BY_CODE),
        },
        "safeguards": [str(safeguard) for safeguard in safeguards],
        "to_complete": [
            str(_("The necessity and proportionality of each processing, in the board's words.")),
            str(_("The risks to the children's rights and freedoms, their likelihood and severity.")),
            str(_("The measures planned beyond those in place, and who is responsible for them.")),
            str(_("The data protection officer's opinion and the date of the next review.")),
        ],
    }

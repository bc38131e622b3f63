"""Every write of the projects area: projects, partners, the tranche plan, payments, prefinancing, mobilities,
deadlines and documents. One transaction each; a refusal is a ValidationError a user understands. The money
and date rules themselves are in `projects.rules`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.scope import Viewer, institution_scope
from eduboard.core.versions import atomic_write, refuse_stale, save_versioned
from eduboard.projects import rules
from eduboard.projects.models import (
    Deadline,
    Mobility,
    Partner,
    Payment,
    Prefinancing,
    Project,
    ProjectDocument,
    ProjectProgramme,
    Tranche,
)
from eduboard.projects.selectors import project_fit_problems, received_total
from eduboard.registry.models import Institution

STALE_PROJECT = gettext_lazy("Someone else changed this project meanwhile (your version %(yours)s, now %(now)s).")


def _user(viewer: Viewer) -> Any:
    """The user to name as the uploader: the signed-in viewer, or nobody for the whole city's work."""
    return viewer if getattr(viewer, "pk", None) else None


# --- projects


@atomic_write
def project_save(
    *,
    project: Project,
    viewer: Viewer,
    institutions: Iterable[Institution] | None = None,
    expected_version: int | None = None,
) -> Project:
    """Save a new project or an edit made on `expected_version`. The city's share is the grant when not given; an
    edit must still fit what was recorded (`selectors.project_fit_problems`). `viewer` sets only their own
    institutions' part of the participating institutions (`rules.institutions_after_edit`)."""
    if project.city_share is None:
        project.city_share = project.grant
    if project.pk is not None:
        problems = project_fit_problems(project)
        if problems:
            raise ValidationError(problems)
    many = None
    if institutions is not None:
        given = {institution.pk: institution for institution in institutions}
        current = set(project.institutions.values_list("pk", flat=True)) if project.pk else set()
        wanted = rules.institutions_after_edit(current=current, given=set(given), scope=institution_scope(viewer))
        many = {"institutions": Institution.objects.filter(pk__in=wanted)}
    save_versioned(project, expected_version=expected_version, stale_message=STALE_PROJECT, many=many)
    return project


@atomic_write
def programme_save(*, programme: ProjectProgramme, expected_version: int | None = None) -> ProjectProgramme:
    """Save a new funding programme or an edit of one made on `expected_version`."""
    save_versioned(programme, expected_version=expected_version)
    return programme


@atomic_write
def partner_save(*, partner: Partner, expected_version: int | None = None) -> Partner:
    """Save a new partner of a project or an edit of one."""
    save_versioned(partner, expected_version=expected_version)
    return partner


# --- money


@dataclass(frozen=True)
class PlannedTranche:
    due_on: date
    share_percent: Decimal | None = None
    amount: Decimal | None = None


def _locked(project_id: int) -> Project:
    return Project.objects.select_for_update().get(pk=project_id)


@atomic_write
def tranche_plan_set(
    *, project: Project, tranches: Sequence[PlannedTranche], version: int, viewer: Viewer
) -> list[Tranche]:
    """Replace a project's tranche plan as a whole: each tranche by its share in % or its amount (or both, agreeing),
    the shares adding up to 100 % and the amounts to the city's share. A tranche with payments keeps its due date."""
    locked = _locked(project.pk)
    refuse_stale(stored=locked.version, expected=version, message=STALE_PROJECT)
    days = [tranche.due_on for tranche in tranches]
    if len(set(days)) != len(days):
        raise ValidationError(_("Two tranches are due on one day."), code="duplicate")
    worked: list[tuple[Decimal, Decimal]] = []
    for number, tranche in enumerate(tranches, start=1):
        try:
            worked.append(
                rules.tranche_values(
                    city_share=locked.city_share, share_percent=tranche.share_percent, amount=tranche.amount
                )
            )
        except ValueError as error:
            raise ValidationError(
                _("Tranche %(n)d: %(reason)s.") % {"n": number, "reason": error}, code="tranche"
            ) from None
    worked = rules.settle_rounding(
        city_share=locked.city_share, tranches=worked, derived=[tranche.amount is None for tranche in tranches]
    )
    values = [(tranche.due_on, share, amount) for tranche, (share, amount) in zip(tranches, worked, strict=True)]
    problems = rules.plan_problems(city_share=locked.city_share, tranches=worked)
    if problems:
        raise ValidationError("; ".join(problems.values()).capitalize() + ".", code="plan")
    paid_days = set(
        Payment.objects.filter(project=locked, tranche__isnull=False).values_list("tranche__due_on", flat=True)
    )
    missing = paid_days - set(days)
    if missing:
        raise ValidationError(
            _("The tranche due on %s has payments; keep it in the plan.")
            % date_format(min(missing), "SHORT_DATE_FORMAT"),
            code="paid",
        )
    current = {tranche.due_on: tranche for tranche in locked.tranches.all()}
    kept: list[Tranche] = []
    for due_on, share, amount in values:
        row = current.pop(due_on, None) or Tranche(project=locked, due_on=due_on)
        if row.pk is None or (row.share_percent, row.amount) != (share, amount):
            row.share_percent, row.amount = share, amount
            save_versioned(row)
        kept.append(row)
    for dropped in current.values():
        dropped.delete()
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    return kept


@atomic_write
def payment_record(
    *,
    project: Project,
    received_on: date,
    amount: Decimal,
    viewer: Viewer,
    tranche: Tranche | None = None,
    note: str = "",
) -> Payment:
    """Record money received: more than zero, at most what is still due (the city's share less what was received),
    between the project's start and 12 months after its end. The project row is locked, so two payments recorded
    at once cannot both take what is due."""
    locked = _locked(project.pk)
    if tranche is not None and tranche.project_id != locked.pk:
        raise ValidationError({"tranche": [_("The tranche is of another project.")]})
    problem = rules.payment_problem(
        amount=amount,
        received_on=received_on,
        city_share=locked.city_share,
        received=received_total(locked),
        start_date=locked.start_date,
        end_date=locked.end_date,
    )
    if problem:
        raise ValidationError(problem[0].upper() + problem[1:] + ".", code="payment")
    payment = Payment(project=locked, tranche=tranche, received_on=received_on, amount=amount, note=note)
    save_versioned(payment)
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])
    return payment


@atomic_write
def prefinancing_save(*, prefinancing: Prefinancing, expected_version: int | None = None) -> Prefinancing:
    """Save the city's prefinancing of a project (paid, planned and actual return)."""
    if prefinancing.returned_amount and prefinancing.returned_on is None:
        raise ValidationError({"returned_on": [_("Give the day the prefinancing was returned.")]})
    if prefinancing.returned_on is not None and not prefinancing.returned_amount:
        prefinancing.returned_amount = prefinancing.amount  # returned: the whole of it, unless told otherwise
    save_versioned(prefinancing, expected_version=expected_version)
    return prefinancing


# --- mobilities, deadlines, documents


@atomic_write
def mobility_save(
    *,
    mobility: Mobility,
    staff: Iterable[Any] | None = None,
    learners: Iterable[Any] | None = None,
    expected_version: int | None = None,
) -> Mobility:
    """Save a mobility within its project's dates; the participants are at least the people named."""
    project = mobility.project
    problem = rules.mobility_problem(
        from_date=mobility.from_date,
        to_date=mobility.to_date,
        start_date=project.start_date,
        end_date=project.end_date,
    )
    if problem:
        raise ValidationError({"from_date": [problem[0].upper() + problem[1:] + "."]})
    many: dict[str, list[Any]] = {}
    if staff is not None:
        many["staff"] = list(staff)
    if learners is not None:
        many["learners"] = list(learners)
    named = sum(len(rows) for rows in many.values())
    if named and mobility.participants < named:
        raise ValidationError(
            {"participants": [_("%(n)d people are named; the participants are at least that many.") % {"n": named}]}
        )
    save_versioned(mobility, expected_version=expected_version, many=many or None)
    return mobility


@atomic_write
def deadline_save(*, deadline: Deadline, expected_version: int | None = None) -> Deadline:
    """Save a deadline of a project."""
    save_versioned(deadline, expected_version=expected_version)
    return deadline


@atomic_write
def document_add(*, project: Project, kind: str, title: str, file: Any, viewer: Viewer) -> ProjectDocument:
    """Keep a document (the grant agreement, a report) with the project."""
    document = ProjectDocument(project=project, kind=kind, title=title, file=file, uploaded_by=_user(viewer))
    document.full_clean()
    document.save()
    return document

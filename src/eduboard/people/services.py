"""Rules of the people area: FTE rates, the total-FTE warning, the vacancy life cycle, training status.

Every edit carries the version it was made on (`core.versions`): a stale one is refused, and only the fields
that changed are written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.versions import atomic_write, refuse_stale, save_versioned
from eduboard.people.models import (
    Employment,
    PositionKind,
    Qualification,
    StaffMember,
    TrainingAppliesTo,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)


def validate_employment_values(*, fte: Decimal | None, start_date: date | None, end_date: date | None) -> None:
    """FTE above zero, with at most three decimals; the end not before the start. Errors name their field."""
    errors: dict[str, str] = {}
    if fte is not None:
        if fte <= 0:
            errors["fte"] = _("The FTE rate must be above zero.")
        elif fte.as_tuple().exponent < -3:  # type: ignore[operator]
            errors["fte"] = _("The FTE rate has at most three decimals (e.g. 3.221).")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("The end (%(end)s) is before the start (%(start)s).") % {
            "end": end_date.isoformat(),
            "start": start_date.isoformat(),
        }
    if errors:
        raise ValidationError(errors)


def peak_fte(*, staff_member_id: int, start_date: date, end_date: date | None, extra: Decimal = Decimal(0)) -> Decimal:
    """The highest total FTE the person holds on any day of the period, with `extra` added (a rate being saved)."""
    rates = list(
        Employment.objects.filter(staff_member_id=staff_member_id)
        .overlapping(start_date, end_date or date.max)
        .values_list("start_date", "end_date", "fte")
    )
    days = {start_date} | {max(start, start_date) for start, _end, _fte in rates}
    peak = Decimal(0)
    for day in days:
        total = sum((fte for start, end, fte in rates if start <= day and (end is None or end >= day)), Decimal(0))
        peak = max(peak, total)
    return peak + extra


def fte_warning(*, staff_member: StaffMember, start_date: date, end_date: date | None) -> str | None:
    """A warning (never an error) when the person's FTE across institutions passes settings.FTE_WARNING_LIMIT."""
    total = peak_fte(staff_member_id=staff_member.pk, start_date=start_date, end_date=end_date)
    limit: Decimal = settings.FTE_WARNING_LIMIT
    if total > limit:
        return _(
            "%(person)s holds %(total)s FTE across institutions in this period, more than the limit of %(limit)s."
        ) % {"person": staff_member, "total": _fte_text(total), "limit": _fte_text(limit)}
    return None


def _fte_text(value: Decimal) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


@atomic_write
def employment_save(employment: Employment, *, expected_version: int | None = None) -> str | None:
    """Save a new employment, or an edit of one made on `expected_version`, after its rules; returns the
    total-FTE warning, if any."""
    validate_employment_values(fte=employment.fte, start_date=employment.start_date, end_date=employment.end_date)
    save_versioned(employment, expected_version=expected_version)
    return fte_warning(
        staff_member=employment.staff_member, start_date=employment.start_date, end_date=employment.end_date
    )


# --- vacancies


def validate_vacancy_dates(
    *, declared_on: date | None, published_on: date | None, filled_on: date | None, withdrawn_on: date | None
) -> None:
    """The life cycle in order: published on or after declared, filled only once published and not before."""
    errors: dict[str, str] = {}
    if published_on and declared_on and published_on < declared_on:
        errors["published_on"] = _("A vacancy cannot be published before it is declared (%s).") % declared_on
    if filled_on:
        if not published_on:
            errors["filled_on"] = _("A vacancy cannot be filled before it is published.")
        elif filled_on < published_on:
            errors["filled_on"] = _(
                "A vacancy cannot be filled (%(filled)s) before it is published (%(published)s)."
            ) % {
                "filled": filled_on.isoformat(),
                "published": published_on.isoformat(),
            }
    if filled_on and withdrawn_on:
        errors["withdrawn_on"] = _("A filled vacancy cannot be withdrawn.")
    if errors:
        raise ValidationError(errors)


STEPS = ("publish", "fill", "withdraw")
STALE_VACANCY = gettext_lazy("Someone else changed this vacancy meanwhile; reload the page and try again.")


@atomic_write
def vacancy_step(*, vacancy_id: int, step: str, on: date, version: int) -> Vacancy:
    """Move a vacancy one step (publish, fill, withdraw) on a date, refusing a stale version."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy_id)
    refuse_stale(stored=vacancy.version, expected=version, message=STALE_VACANCY)
    if vacancy.withdrawn_on or vacancy.filled_on:
        raise ValidationError(_("This vacancy is closed already (%s).") % vacancy.get_status_display(), code="closed")
    if step == "publish":
        if vacancy.published_on:
            raise ValidationError(_("This vacancy is published already."), code="published")
        vacancy.published_on, changed = on, "published_on"
    elif step == "fill":
        vacancy.filled_on, changed = on, "filled_on"
    elif step == "withdraw":
        vacancy.withdrawn_on, changed = on, "withdrawn_on"
    else:
        raise ValidationError(_("Unknown step “%s”.") % step, code="unknown_step")
    validate_vacancy_dates(
        declared_on=vacancy.declared_on,
        published_on=vacancy.published_on,
        filled_on=vacancy.filled_on,
        withdrawn_on=vacancy.withdrawn_on,
    )
    vacancy.version += 1
    vacancy.save(update_fields=[changed, "version", "updated_at"])
    return vacancy


@atomic_write
def vacancy_save(vacancy: Vacancy, *, expected_version: int | None = None) -> Vacancy:
    """Create or edit a vacancy; an edit of a stale version is refused, never silently overwritten."""
    validate_vacancy_dates(
        declared_on=vacancy.declared_on,
        published_on=vacancy.published_on,
        filled_on=vacancy.filled_on,
        withdrawn_on=vacancy.withdrawn_on,
    )
    save_versioned(vacancy, expected_version=expected_version, stale_message=STALE_VACANCY)
    return vacancy


# --- staff, qualifications, training records and the reference lists: edits of one row


@atomic_write
def staff_member_save(*, staff_member: StaffMember, expected_version: int | None = None) -> StaffMember:
    """Create a staff member or save an edit of one made on `expected_version` (the personal code stays unique)."""
    save_versioned(staff_member, expected_version=expected_version)
    return staff_member


@atomic_write
def staff_member_create(*, staff_member: StaffMember, employment: Employment) -> str | None:
    """A new person with their first rate, both or neither; returns the total-FTE warning, if any."""
    save_versioned(staff_member)
    employment.staff_member = staff_member
    return employment_save(employment)


@atomic_write
def qualification_save(*, qualification: Qualification, expected_version: int | None = None) -> Qualification:
    """Create a qualification or save an edit of one made on `expected_version`."""
    save_versioned(qualification, expected_version=expected_version)
    return qualification


@atomic_write
def training_record_save(*, record: TrainingRecord, expected_version: int | None = None) -> TrainingRecord:
    """Record a completed training or save an edit of one made on `expected_version`."""
    save_versioned(record, expected_version=expected_version)
    return record


@atomic_write
def training_requirement_save(
    *,
    requirement: TrainingRequirement,
    expected_version: int | None = None,
    positions: Iterable[PositionKind] | None = None,
) -> TrainingRequirement:
    """Create a mandatory training or save an edit of one made on `expected_version` (with its positions)."""
    save_versioned(
        requirement,
        expected_version=expected_version,
        many=None if positions is None else {"positions": positions},
    )
    return requirement


@atomic_write
def position_kind_save(*, position: PositionKind, expected_version: int | None = None) -> PositionKind:
    """Create a kind of position or save an edit of one made on `expected_version`."""
    save_versioned(position, expected_version=expected_version)
    return position


# --- training


@dataclass(frozen=True)
class TrainingGap:
    """A staff member whose required training is missing, expired or expiring soon."""

    staff_member_id: int
    name: str
    requirement_id: int
    requirement: str
    status: str  # missing | expired | expiring
    completed_on: date | None
    expires_on: date | None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - some day of every month exists


def requirement_applies(
    requirement: TrainingRequirement, position_ids: set[int], pedagogical: bool, names: Any
) -> bool:
    if requirement.applies_to == TrainingAppliesTo.ALL:
        return True
    if requirement.applies_to == TrainingAppliesTo.PEDAGOGICAL:
        return pedagogical
    return bool(position_ids & names)


def expiry(completed_on: date, renewal_months: int | None) -> date | None:
    return add_months(completed_on, renewal_months) if renewal_months else None


def warning_window(as_of: date) -> date:
    return as_of + timedelta(days=settings.TRAINING_EXPIRY_WARNING_DAYS)

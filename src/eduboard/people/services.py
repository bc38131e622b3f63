"""Writes of the people area: employments (FTE rates, answered with the total-FTE warning), the vacancy life cycle,
and every edit of a row. The pure rules they check are in `people.rules`, the reads in `people.selectors`.

Every edit carries the version it was made on (`core.versions`): a stale one is refused, and only the fields
that changed are written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.versions import atomic_write, refuse_stale, save_versioned
from eduboard.people.models import (
    Employment,
    PositionKind,
    Qualification,
    StaffMember,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)
from eduboard.people.rules import validate_employment_values, validate_vacancy_dates
from eduboard.people.selectors import fte_warning


@atomic_write
def employment_save(*, employment: Employment, expected_version: int | None = None) -> str | None:
    """Save a new employment, or an edit of one made on `expected_version`, after its rules; returns the
    total-FTE warning, if any."""
    validate_employment_values(fte=employment.fte, start_date=employment.start_date, end_date=employment.end_date)
    save_versioned(employment, expected_version=expected_version)
    return fte_warning(
        staff_member=employment.staff_member, start_date=employment.start_date, end_date=employment.end_date
    )


# --- vacancies


STEPS = ("publish", "fill", "withdraw")
STALE_VACANCY = gettext_lazy("Someone else changed this vacancy meanwhile; reload the page and try again.")


@atomic_write
def vacancy_step(*, vacancy_id: int, step: str, on: date, version: int) -> Vacancy:
    """Move a vacancy one step (publish, fill, withdraw) on a date, refusing a stale version."""
    vacancy: Vacancy = Vacancy.objects.select_for_update().get(pk=vacancy_id)
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
def vacancy_save(*, vacancy: Vacancy, expected_version: int | None = None) -> Vacancy:
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
    return employment_save(employment=employment)


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

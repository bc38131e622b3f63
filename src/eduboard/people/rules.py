"""The people area's pure rules (no database): an employment's values, a vacancy's dates in order, and when a
mandatory training applies and expires. The services check them before a write; the selectors and forms use them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eduboard.core.dates import add_months
from eduboard.people.models import TrainingAppliesTo

if TYPE_CHECKING:
    from eduboard.people.models import TrainingRequirement


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


# --- training


def requirement_applies(
    requirement: TrainingRequirement, position_ids: set[int], pedagogical: bool, names: set[int]
) -> bool:
    """Whether a mandatory training applies to a person holding `position_ids` (`pedagogical`: one of them is a
    pedagogue's): to all, to pedagogues, or to the positions the requirement names (`names`: their ids)."""
    if requirement.applies_to == TrainingAppliesTo.ALL:
        return True
    if requirement.applies_to == TrainingAppliesTo.PEDAGOGICAL:
        return pedagogical
    return bool(position_ids & names)


def expiry(completed_on: date, renewal_months: int | None) -> date | None:
    """The day a training completed on `completed_on` expires (None: it never does)."""
    return add_months(completed_on, renewal_months) if renewal_months else None


def warning_window(as_of: date, days: int) -> date:
    """The last day whose expiry counts as "expiring" on `as_of`: `days` ahead (the board's
    `training_expiry_warning_days`, 90 unless its administrator sets another)."""
    return as_of + timedelta(days=days)

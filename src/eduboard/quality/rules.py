"""Rules of the quality area that are computed from values given, each written once: the answers of an observation
checked against its form's criteria, who reviews self-assessments for the board, and when an accreditation ends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eduboard.core.dates import add_months
from eduboard.core.scope import Viewer, sees_whole_city
from eduboard.quality.models import Criterion, ScaleOption


def validate_answers(criteria: Sequence[Criterion], answers: Mapping[str, str]) -> dict[int, ScaleOption]:
    """Map every criterion to the chosen option; every criterion must be answered from its own scale."""
    errors: dict[str, list[str]] = {}
    chosen: dict[int, ScaleOption] = {}
    known = {criterion.code for criterion in criteria}
    for code in answers:
        if code not in known:
            errors.setdefault(code, []).append(_("This form has no criterion “%(code)s”.") % {"code": code})
    for criterion in criteria:
        value = (answers.get(criterion.code) or "").strip()
        options = {option.code: option for option in criterion.scale.options.all()}
        if not value:
            errors.setdefault(criterion.code, []).append(_("Answer this criterion."))
        elif value not in options:
            errors.setdefault(criterion.code, []).append(
                _("“%(value)s” is not one of %(allowed)s") % {"value": value, "allowed": "|".join(options)}
            )
        else:
            chosen[criterion.pk] = options[value]
    if errors:
        raise ValidationError(errors, code="bad_answers")
    return chosen


def is_board_reviewer(viewer: Viewer) -> bool:
    """Whether `viewer` agrees, comments on and publishes self-assessments: a board role that may change them."""
    return sees_whole_city(viewer) and viewer.has_perm("quality.change_selfassessment")


def accreditation_expiry(*, accredited_on: date, term_years: int) -> date:
    """The last day of an accreditation given on `accredited_on` for `term_years` years."""
    return add_months(accredited_on, 12 * term_years) - timedelta(days=1)


#: The parts of a self-assessed criterion that must be given before it counts as filled, in the order they are
#: named: a level on the framework's scale and a description of what was found. Strengths and next steps are
#: optional (seed 003 leaves them out where there is nothing to say).
ENTRY_REQUIRED_PARTS = ("level", "description")


def entry_missing_parts(*, level: str, description: str) -> list[str]:
    """What a self-assessed criterion still lacks (`"level"`, `"description"`): no level chosen, or a description
    that is blank or only spaces. A criterion lacking none of them is filled."""
    given = {"level": level, "description": description}
    return [part for part in ENTRY_REQUIRED_PARTS if not (given[part] or "").strip()]

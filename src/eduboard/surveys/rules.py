"""The rules that keep a survey's figures true, each written once:

- a survey is *closed* after its last day (`closes_on`); a closed survey's responses and populations are frozen:
  nothing adds, changes or removes them (the answering pages, the imports and any other write refuse);
- responses come only from the answering pages (a code or a link) or from the board's import of paper answers;
- an entered population is never below the finished responses of its institution and audience, so a response
  rate computed on entered populations never exceeds 100 % (and `selectors.survey_figures` caps it where a
  computed population is smaller than the answers, saying so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from eduboard.core.scope import Viewer, sees_whole_city

if TYPE_CHECKING:
    from eduboard.surveys.models import Survey


def is_closed(closes_on: date | None, *, today: date | None = None) -> bool:
    """Whether a survey that closes on `closes_on` is closed: its last day has passed."""
    return closes_on is not None and closes_on < (today or timezone.localdate())


def is_open(survey: Survey, *, today: date | None = None) -> bool:
    """Whether the survey takes answers today (within its period, where one is set)."""
    today = today or timezone.localdate()
    return (survey.opens_on is None or survey.opens_on <= today) and (
        survey.closes_on is None or today <= survey.closes_on
    )


def frozen_message(code: str, closes_on: date) -> str:
    return _("Survey %(code)s closed on %(day)s: its responses and populations are frozen.") % {
        "code": code,
        "day": date_format(closes_on, "d.m.Y."),
    }


def refuse_if_frozen(*, code: str, closes_on: date | None) -> None:
    """Raise when the survey is closed (code `frozen`)."""
    if closes_on is not None and is_closed(closes_on):
        raise ValidationError(frozen_message(code, closes_on), code="frozen")


def may_import_responses(viewer: Viewer) -> bool:
    """Paper answers are imported by the board only (the board's roles see the whole city); an institution's staff
    cannot add answers to their own institution's results."""
    return sees_whole_city(viewer)


@dataclass(frozen=True)
class Overrun:
    """An entered population below the finished responses of its institution and audience."""

    survey_id: int
    institution_id: int
    audience: str
    population: int
    responses: int


def population_overruns(cuts: Iterable[tuple[int, int, str]]) -> list[Overrun]:
    """For the (survey, institution, audience) cuts given, those whose entered population is below their finished
    responses (as stored now, inside the importer's transaction)."""
    from eduboard.surveys.models import Population, Response

    wanted = set(cuts)
    if not wanted:
        return []
    surveys = {survey for survey, _i, _a in wanted}
    institutions = {institution for _s, institution, _a in wanted}
    populations = {
        (p.survey_id, p.institution_id, p.audience): p.population
        for p in Population.objects.filter(survey_id__in=surveys, institution_id__in=institutions)
    }
    responses: dict[tuple[int, int, str], int] = defaultdict(int)
    for survey, institution, audience, n in (
        Response.objects.filter(survey_id__in=surveys, institution_id__in=institutions, finished=True)
        .values_list("survey_id", "institution_id", "audience")
        .annotate(n=Count("pk"))
        .values_list("survey_id", "institution_id", "audience", "n")
        .order_by()
    ):
        responses[(survey, institution, audience)] = n
    return [
        Overrun(*cut, population=populations[cut], responses=responses[cut])
        for cut in sorted(wanted)
        if cut in populations and responses[cut] > populations[cut]
    ]

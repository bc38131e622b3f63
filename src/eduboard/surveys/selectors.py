"""Survey figures: response rates per audience and the share of each answer per question, for the city, an
institution type, or an institution; any cut with fewer than MIN_ANSWERS answers is withheld (None), everywhere.

A handful of grouped queries whatever the number of answers: responses counted by institution and audience, answers
counted by question and value, populations read once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from eduboard.core.numbers import percent
from eduboard.core.scope import Viewer
from eduboard.people.models import Employment
from eduboard.registry.boards import Board
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from eduboard.registry.selectors import active_enrolments, reporting_school_year
from eduboard.surveys.choices import (
    AUDIENCE_GRADES,
    CHOICE_KINDS,
    COUNTED_KINDS,
    MIN_ANSWERS,
    SCALES,
    Audience,
    QuestionKind,
)
from eduboard.surveys.models import AccessCode, Answer, Population, Question, Response, Survey, answer_parts

# Institution types by the groups results are cut by (seed 002 sets schools beside preschools).
INSTITUTION_GROUPS: dict[str, tuple[str, ...]] = {
    "school": (
        InstitutionType.BASIC_SCHOOL,
        InstitutionType.SECONDARY_SCHOOL,
        InstitutionType.GYMNASIUM,
    ),
    "preschool": (InstitutionType.PRESCHOOL,),
}


def survey_by_code(code: str, *, visible_to: Viewer) -> Survey:
    """The survey with `code` among the viewer's boards' (a code is unique within a board): Survey.DoesNotExist
    naming it when there is none, Survey.MultipleObjectsReturned when several of the viewer's boards have one."""
    found = list(Survey.objects.visible_to(visible_to).filter(code=code[:40]).order_by("pk")[:2])
    if not found:
        raise Survey.DoesNotExist(_("There is no survey %s.") % code[:40])
    if len(found) > 1:
        raise Survey.MultipleObjectsReturned(
            _("Several boards have a survey %s: name the board (--board, ?board=).") % code[:40]
        )
    return found[0]


def answer_codes(question: Question) -> list[str]:
    """The answers a question is counted by, in their order."""
    if question.kind in CHOICE_KINDS:
        return [str(choice) for choice in question.choices]
    return list(SCALES.get(question.kind, []))


def _institutions(visible_to: Viewer, institution: Institution | None, institution_types: Iterable[str] | None) -> Any:
    institutions = Institution.objects.visible_to(visible_to)
    if institution is not None:
        institutions = institutions.filter(pk=institution.pk)
    if institution_types is not None:
        institutions = institutions.filter(type__in=list(institution_types))
    return institutions


def computed_populations(
    *, audiences: Iterable[str], institutions: QuerySet[Institution], on: date
) -> dict[tuple[int, str], int]:
    """(institution id, audience) -> its size on `on`: teachers from the people area (distinct pedagogues with a
    rate there), pupils from the registry (learners enrolled in groups of the grades); other audiences have none
    (their population is entered or imported)."""
    audiences = set(audiences)
    sizes: dict[tuple[int, str], int] = {}
    ids = list(institutions.values_list("pk", flat=True))
    if Audience.TEACHERS in audiences:
        rows = (
            Employment.objects.active_on(on)
            .pedagogical()
            .filter(institution_id__in=ids)
            .values_list("institution_id")
            .annotate(n=Count("staff_member_id", distinct=True))
            .values_list("institution_id", "n")
        )
        sizes.update({(pk, Audience.TEACHERS.value): n for pk, n in rows})
    year = reporting_school_year(as_of=on)
    grades = [(audience, AUDIENCE_GRADES[audience]) for audience in audiences if audience in AUDIENCE_GRADES]
    for audience, (low, high) in grades:
        if year is None:
            break
        # One query an audience: a pupil in groups of two of its grades at one institution is one pupil.
        rows = (
            active_enrolments(school_year=year, as_of=on)
            .filter(group__institution_id__in=ids, group__grade__gte=low, group__grade__lte=high)
            .order_by()
            .values_list("group__institution_id")
            .annotate(n=Count("learner_id", distinct=True))
            .values_list("group__institution_id", "n")
        )
        sizes.update({(pk, audience): n for pk, n in rows})
    return sizes


def _counted_and_asked(
    survey: Survey, institutions: Any, responses: QuerySet[Response]
) -> tuple[list[str], dict[str, int], dict[str, int]]:
    """The survey's audiences, its finished responses per audience, and each audience's size on the census date in
    the institutions it was asked in (those with its population entered or with a response of it; an entered
    population overrides the computed one)."""
    audiences = list(dict.fromkeys(survey.questions.order_by("position").values_list("audience", flat=True)))
    counted = dict(responses.values_list("audience").annotate(n=Count("pk")).values_list("audience", "n").order_by())
    on = survey.census_date or survey.opens_on or date.today()
    entered = {
        (pk, audience): size
        for pk, audience, size in Population.objects.filter(survey=survey, institution__in=institutions).values_list(
            "institution_id", "audience", "population"
        )
    }
    asked = set(entered) | set(responses.values_list("institution_id", "audience").distinct().order_by())
    sizes = computed_populations(audiences=audiences, institutions=institutions, on=on) | entered
    population: dict[str, int] = defaultdict(int)
    for (pk, audience), size in sizes.items():
        if (pk, audience) in asked:
            population[audience] += size
    return audiences, counted, dict(population)


def response_rate(*, survey: Survey, visible_to: Viewer) -> dict[str, Any]:
    """The survey's response rate over all its audiences in the viewer's institutions: `responses` (finished),
    `population` (the audiences' sizes where they were asked, as `survey_figures` counts them), `counted` (each
    audience's responses up to its size) and `percent` (`counted` of `population`, 2 decimals); None for all four
    with fewer than MIN_ANSWERS responses."""
    institutions = _institutions(visible_to, None, None)
    responses = Response.objects.filter(survey=survey, finished=True, institution__in=institutions)
    audiences, counted, population = _counted_and_asked(survey, institutions, responses)
    total = sum(counted.get(audience, 0) for audience in audiences)
    if total < MIN_ANSWERS:
        return dict.fromkeys(("responses", "population", "counted", "percent"))
    capped = sum(min(counted.get(audience, 0), population.get(audience, 0)) for audience in audiences)
    return _rate(total, capped, sum(population.get(audience, 0) for audience in audiences))


def combined_response_rate(rates: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Several surveys' `response_rate`s together (each board asks its own): their responses, counted responses
    and sizes added, those withheld under MIN_ANSWERS left out; None for all four when none is left."""
    shown = [rate for rate in rates if rate["responses"] is not None]
    if not shown:
        return dict.fromkeys(("responses", "population", "counted", "percent"))
    return _rate(
        sum(rate["responses"] for rate in shown),
        sum(rate["counted"] for rate in shown),
        sum(rate["population"] or 0 for rate in shown),
    )


def _rate(responses: int, counted: int, population: int) -> dict[str, Any]:
    return {
        "responses": responses,
        "population": population or None,
        "counted": counted,
        "percent": percent(counted, population) if population else None,
    }


def board_survey(*, board: Board, as_of: date) -> Survey | None:
    """The board's survey a report of `as_of` reads (`board_surveys` of one board)."""
    return board_surveys(boards=[board], as_of=as_of)[board.pk]


def board_surveys(*, boards: Iterable[Board], as_of: date) -> dict[int, Survey | None]:
    """{board id: the survey a report of `as_of` reads}: the board's latest survey closed by then, else its latest
    opened by then (seed 002's wellbeing survey), else None; one query for every board (the ministry's comparison)."""
    boards = list(boards)
    found: dict[int, Survey | None] = dict.fromkeys((board.pk for board in boards), None)
    closed: dict[int, Survey] = {}
    opened: dict[int, Survey] = {}
    saved = [board.pk for board in boards if board.pk is not None]  # the deployment's default board, unsaved: none
    for survey in Survey.objects.filter(board_id__in=saved).filter(Q(closes_on__lte=as_of) | Q(opens_on__lte=as_of)):
        if survey.closes_on is not None and survey.closes_on <= as_of:
            best = closed.get(survey.board_id)
            if best is None or (survey.closes_on, survey.pk) > (best.closes_on, best.pk):
                closed[survey.board_id] = survey
        if survey.opens_on is not None and survey.opens_on <= as_of:
            best = opened.get(survey.board_id)
            if best is None or (survey.opens_on, survey.pk) > (best.opens_on, best.pk):
                opened[survey.board_id] = survey
    for board_id in found:
        found[board_id] = closed.get(board_id) or opened.get(board_id)
    return found


def survey_figures(
    *,
    survey: Survey,
    visible_to: Viewer,
    institution: Institution | None = None,
    institution_types: Iterable[str] | None = None,
    with_counts: bool = False,
) -> dict[str, Any]:
    """`survey_stats CODE` and `GET /api/surveys/CODE/stats/`:

    - `response_rates`: {audience: {responses, population, percent}}: finished responses ÷ the audience's size on
      the census date in the institutions it was asked in (those with its population entered or with a response
      of it; an entered population overrides the computed one), percent with 2 decimals and never above 100 (where
      the responses outnumber a computed population, 100); a cut with fewer than
      MIN_ANSWERS responses gives None for all three;
    - `questions`: {question code: {audience: {answer: percent}}}: the share of each answer among the responses
      answering that question (a multiple choice: of those responses, so the shares may add up to more than 100);
      None where fewer than MIN_ANSWERS answered.
    """
    institutions = _institutions(visible_to, institution, institution_types)
    responses = Response.objects.filter(survey=survey, finished=True, institution__in=institutions)
    audiences, counted, population = _counted_and_asked(survey, institutions, responses)
    rates: dict[str, dict[str, Any]] = {}
    for audience in audiences:
        n = counted.get(audience, 0)
        if n < MIN_ANSWERS:
            rates[audience] = {"responses": None, "population": None, "percent": None}
            continue
        whole = population.get(audience, 0)
        # Never above 100 %: an entered population is never below its responses (surveys.rules); a computed one can
        # be (a link answered by more people than counted), and then the rate is 100 %.
        rate = percent(min(n, whole), whole) if whole else None
        rates[audience] = {"responses": n, "population": whole or None, "percent": rate}
    questions: dict[str, dict[str, Any]] = {}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    answered: dict[int, int] = defaultdict(int)
    rows = (
        Answer.objects.filter(response__in=responses, question__survey=survey, question__kind__in=COUNTED_KINDS)
        .values_list("question_id", "value")
        .annotate(n=Count("pk"))
        .values_list("question_id", "value", "n")
        .order_by()
    )
    for question_id, value, n in rows:
        answered[question_id] += n
        for part in answer_parts(value):
            counts[question_id][part] += n
    shown: dict[str, dict[str, int | None]] = {}
    for question in survey.questions.order_by("position", "code", "audience"):
        if question.kind not in COUNTED_KINDS:
            continue
        cut = questions.setdefault(question.code, {})
        total = answered.get(question.pk, 0)
        shown.setdefault(question.code, {})[question.audience] = total if total >= MIN_ANSWERS else None
        if total < MIN_ANSWERS:
            cut[question.audience] = None
            continue
        cut[question.audience] = {
            code: percent(counts[question.pk].get(code, 0), total) for code in answer_codes(question)
        }
    figures = {"survey": survey.code, "response_rates": rates, "questions": questions}
    if with_counts:
        figures["answered"] = shown
    return figures


#: The answers of a frequency question counted together as "always or often" (seed 002: "vienmēr un bieži").
FREQUENT_ANSWERS = ("always", "often")


def frequent_answer_shares(
    *, survey: Survey, visible_to: Viewer, institution_types: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """{question code: {audience: percent}} of the survey's frequency questions (always … never): the share of the
    responses answering the question that answered "always" or "often" (FREQUENT_ANSWERS), computed from the counts
    (core.numbers.percent), not by adding the two rounded shares; None where fewer than MIN_ANSWERS answered. One
    query. Seed 002: "83,89% aptaujāto pedagogu vienmēr un bieži jūtas kā nozīmīga izglītības iestādes daļa" (797 of
    950; its two shares are 47,58 and 36,32)."""
    institutions = _institutions(visible_to, None, institution_types)
    responses = Response.objects.filter(survey=survey, finished=True, institution__in=institutions)
    questions = {
        question.pk: question
        for question in survey.questions.filter(kind=QuestionKind.FREQUENCY).order_by("position", "code", "audience")
    }
    answered: dict[int, int] = defaultdict(int)
    frequent: dict[int, int] = defaultdict(int)
    rows = (
        Answer.objects.filter(response__in=responses, question_id__in=list(questions))
        .values_list("question_id", "value")
        .annotate(n=Count("pk"))
        .values_list("question_id", "value", "n")
        .order_by()
    )
    for question_id, value, n in rows:
        answered[question_id] += n
        if set(answer_parts(value)) & set(FREQUENT_ANSWERS):
            frequent[question_id] += n
    shares: dict[str, dict[str, Any]] = {}
    for pk, question in questions.items():
        total = answered.get(pk, 0)
        shares.setdefault(question.code, {})[question.audience] = (
            percent(frequent.get(pk, 0), total) if total >= MIN_ANSWERS else None
        )
    return shares


def results_table(
    *,
    survey: Survey,
    visible_to: Viewer,
    language: str,
    institution: Institution | None = None,
    institution_types: Iterable[str] | None = None,
) -> dict[str, Any]:
    """The results page's and exports' rows: response rates per audience, and per counted question and audience
    its text, how many answered and each answer's share, beside the previous survey's share of the same question
    code and audience (None where that survey or cut has too few answers or no such question)."""
    from eduboard.surveys.choices import ANSWER_LABELS

    figures = survey_figures(
        survey=survey, visible_to=visible_to, institution=institution, institution_types=institution_types,
        with_counts=True,
    )  # fmt: skip
    before: dict[str, Any] = {}
    if survey.previous_id is not None and survey.previous is not None:
        before = survey_figures(
            survey=survey.previous, visible_to=visible_to, institution=institution,
            institution_types=institution_types,
        )["questions"]  # fmt: skip
    rows = []
    for question in survey.questions.filter(kind__in=COUNTED_KINDS).order_by("position", "code", "audience"):
        shares = figures["questions"].get(question.code, {}).get(question.audience)
        earlier = (before.get(question.code) or {}).get(question.audience) or {}
        rows.append(
            {
                "code": question.code,
                "audience": question.audience,
                "audience_label": Audience(question.audience).label if question.audience in Audience.values else "",
                "text": question.text(language),
                "answered": figures["answered"].get(question.code, {}).get(question.audience),
                "suppressed": shares is None,
                "answers": [
                    {
                        "code": code,
                        "label": ANSWER_LABELS.get(code, code),
                        "percent": None if shares is None else shares.get(code),
                        "previous": earlier.get(code),
                    }
                    for code in answer_codes(question)
                ],
            }
        )
    return {
        "response_rates": figures["response_rates"],
        "rows": rows,
        "has_previous": bool(before),
    }


def code_lists(*, survey: Survey, visible_to: Viewer) -> list[dict[str, Any]]:
    """The lists of one-time codes issued in the viewer's institutions: how many issued and used, never by whom."""
    from django.db.models import Q

    return list(
        AccessCode.objects.visible_to(visible_to)
        .filter(survey=survey)
        .values("institution_id", "institution__name", "audience", "grade_band", "label")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used=True)))
        .order_by("institution__sort_name", "label")
    )


def finished_by_institution(*, survey: Survey, audience: str, visible_to: Viewer) -> dict[int, int]:
    """Institution id -> finished responses of an audience, in the viewer's institutions."""
    return dict(
        Response.objects.visible_to(visible_to)
        .filter(survey=survey, audience=audience, finished=True)
        .values_list("institution_id")
        .annotate(n=Count("pk"))
        .values_list("institution_id", "n")
        .order_by()
    )


def questions_for(response: Response) -> list[Question]:
    """The questions a response answers: those of its survey for its audience, in order."""
    return list(response.survey.questions.filter(audience=response.audience).order_by("position", "code"))


def resumable_by_code(response: Response) -> bool:
    """Whether a one-time code leads to this unsent response (typed again, on any device, it opens it)."""
    return not response.finished and AccessCode.objects.filter(draft=response).exists()


def current_answers(response: Response) -> dict[str, list[str]]:
    """The answers saved so far, by question code (a multiple choice: its parts)."""
    return {
        code: answer_parts(value) if kind == QuestionKind.MULTIPLE else [value]
        for code, kind, value in Answer.objects.filter(response=response).values_list(
            "question__code", "question__kind", "value"
        )
    }


def audiences_of(survey: Survey) -> list[str]:
    """The survey's audiences in the order their questions come."""
    return list(dict.fromkeys(survey.questions.order_by("position", "code").values_list("audience", flat=True)))

"""The survey in seed 002's section III (its wellbeing survey): the latest survey closed by the report's date, its
response rates by audience and the share of each answer per question (from the surveys area)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.reports.content import L, T, Text, number
from eduboard.reports.readiness.base import SURVEYS, Block, BuildContext, day, heading, needs, table
from eduboard.surveys.choices import ANSWER_LABELS, Audience
from eduboard.surveys.models import Survey
from eduboard.surveys.selectors import INSTITUTION_GROUPS, board_survey, frequent_answer_shares, survey_figures


def survey_blocks(ctx: BuildContext) -> list[Block]:
    """The board's latest survey closed by the report's date (seed 002's wellbeing survey): response rates by
    audience and the share of each answer per question, scoped to the reader; a cut under 5 answers shows no
    figure."""
    survey = board_survey(board=ctx.board, as_of=ctx.as_of)
    if survey is None:
        return []
    found = survey_figures(survey=survey, visible_to=ctx.visible_to)
    audience_label = dict(Audience.choices)
    rates = [
        [
            T(audience_label.get(audience, audience)),
            rate["responses"],
            rate["population"],
            percent_value(rate["percent"]),
        ]
        for audience, rate in found["response_rates"].items()
    ]
    texts = {(q.code, q.audience): L(q, "text") for q in survey.questions.all()}
    # Parents' answers for schools and preschools side by side (seed 002), besides the whole city's.
    by_group = {
        group: survey_figures(survey=survey, visible_to=ctx.visible_to, institution_types=types)["questions"]
        for group, types in INSTITUTION_GROUPS.items()
    }
    group_label = {"school": T(_("parents, schools")), "preschool": T(_("parents, preschools"))}

    def row(text: Text, who: Text, shares: dict[str, Any] | None) -> list[Any]:
        if shares is None:
            return [text, who, T(_("too few answers"))]
        parts = [
            # xgettext:no-python-format
            T(_("%(answer)s %(share)s %%"), answer=answer_label(answer), share=number(value))
            for answer, value in shares.items()
        ]
        return [text, who, T(_("%(shares)s"), shares=parts)]

    answers = []
    for code, by_audience in found["questions"].items():
        for audience, shares in by_audience.items():
            text = texts.get((code, audience), code)
            answers.append(row(text, T(audience_label.get(audience, audience)), shares))
            if audience == Audience.PARENTS:
                for group in INSTITUTION_GROUPS:
                    cut = by_group[group].get(code, {}).get(audience)
                    if cut is not None:
                        answers.append(row(text, group_label[group], cut))
    return needs(
        SURVEYS,
        heading(T(_("Survey: %(title)s"), title=L(survey, "title")), 3),
        table(
            "quality.survey.response_rates",
            T(_("Response rates on %(date)s"), date=day(survey.census_date or survey.opens_on or ctx.as_of)),
            [T(_("Audience")), T(_("Responses")), T(_("Population")), T(_("Response rate"))],
            rates,
            units=["", "", "", "%"],
        ),
        table(
            "quality.survey.answers",
            T(_("Answers by question")),
            [T(_("Question")), T(_("Audience")), T(_("Share of each answer"))],
            answers,
        ),
        *frequent_answers_blocks(survey, ctx, texts, audience_label),
    )


def frequent_answers_blocks(
    survey: Survey, ctx: BuildContext, texts: dict[Any, Any], labels: dict[str, Any]
) -> list[Block]:
    """Seed 002: "83,89% aptaujāto pedagogu vienmēr un bieži jūtas kā nozīmīga izglītības iestādes daļa": the share
    answering "always" or "often" of each frequency question (surveys.selectors.frequent_answer_shares)."""
    shares = frequent_answer_shares(survey=survey, visible_to=ctx.visible_to)
    rows = [
        [texts.get((code, audience), code), T(labels.get(audience, audience)), number(share)]
        for code, by_audience in shares.items()
        for audience, share in by_audience.items()
        if share is not None
    ]
    if not rows:
        return []
    return [
        table(
            "quality.survey.always_or_often",
            T(_("Answered “always” or “often”")),
            [T(_("Question")), T(_("Audience")), T(_("Share"))],
            rows,
            units=["", "", "%"],
        )
    ]


def answer_label(answer: str) -> Text:
    """A scale's answer in the reader's language; a choice as the survey gives it."""
    label = ANSWER_LABELS.get(answer)
    return T(label) if label is not None else answer  # type: ignore[arg-type]


def percent_value(value: Any) -> Any:
    return number(value) if value is not None else None

"""The share answering "always" or "often" (issue 40, point 1; seed 002: "83,89% aptaujāto pedagogu vienmēr un bieži
jūtas kā nozīmīga izglītības iestādes daļa"): `frequent_answer_shares` against a plain computation of its definition,
from the counts, never the sum of two rounded shares."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.models import Institution
from eduboard.surveys.models import Answer, Question, Response, Survey
from eduboard.surveys.selectors import frequent_answer_shares

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
SCALE = ["always", "often", "sometimes", "rarely", "never"]


def share(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("who", ["board", "head_a"])
def test_always_or_often_is_its_share_of_those_answering(
    seed: int, who: str, school_a: Institution, school_b: Institution, make_user: Callable[..., User]
) -> None:
    rng = random.Random(seed)
    survey = Survey.objects.create(code="labbutiba", title_lv="Labbūtība")
    important = Question.objects.create(
        survey=survey, audience="teachers", code="important_part", text_lv="Nozīmīga daļa", kind="frequency", position=1
    )
    respect = Question.objects.create(
        survey=survey, audience="teachers", code="respect", text_lv="Cieņa", kind="yes_partly_no", position=2
    )
    few = Question.objects.create(
        survey=survey, audience="parents", code="welcome", text_lv="Gaidīts", kind="frequency", position=3
    )
    answers: list[tuple[int, str, bool]] = []  # (institution, value, finished)
    for number in range(rng.randint(20, 60)):
        school = rng.choice([school_a, school_b])
        finished = rng.random() < 0.9
        response = Response.objects.create(
            survey=survey, key=f"t{number}", institution=school, audience="teachers", finished=finished
        )
        if rng.random() < 0.9:
            value = rng.choice(SCALE)
            Answer.objects.create(response=response, question=important, value=value)
            answers.append((school.pk, value, finished))
        Answer.objects.create(response=response, question=respect, value="yes")
    for number in range(3):  # under the floor of five answers
        response = Response.objects.create(
            survey=survey, key=f"p{number}", institution=school_a, audience="parents", finished=True
        )
        Answer.objects.create(response=response, question=few, value="always")
    viewer = WHOLE_CITY if who == "board" else make_user(Role.INSTITUTION_HEAD, [school_a])
    scope = {school_a.pk, school_b.pk} if who == "board" else {school_a.pk}

    found = frequent_answer_shares(survey=survey, visible_to=viewer)

    counted = [value for pk, value, finished in answers if pk in scope and finished]
    frequent = sum(1 for value in counted if value in ("always", "often"))
    assert set(found) == {"important_part", "welcome"}  # frequency questions only
    assert found["important_part"]["teachers"] == (share(frequent, len(counted)) if len(counted) >= 5 else None)
    assert found["welcome"]["parents"] is None

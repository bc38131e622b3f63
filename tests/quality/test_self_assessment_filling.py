"""What is unfilled in a self-assessment, against its definition: a criterion is filled when it has a level and a
description that is more than blank space (strengths and next steps are optional). Hypothesis draws the level and
the texts of each of the 20 criteria of an `areas7` self-assessment; the selector's answer must equal a plain
computation over the rows as stored. Then where a criterion stands among the others (previous, next, the next
unfilled one going round)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import rules, selectors, services
from eduboard.quality.choices import FRAMEWORK_AREAS7
from eduboard.quality.models import SelfAssessment
from tests.figure_worlds import rolled_back
from tests.quality.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

LEVELS = ("", "excellent", "very_good", "good", "needs_improvement", "insufficient")
TEXTS = ("", " ", "\n\t ", "Stundās ir skaidri mērķi.", "  x  ")
CRITERIA = 20  # areas7: 1, 2.1–2.3, 3.1–3.2, 4.1–4.7, 5.1–5.2, 6.1–6.2, 7.1–7.3


def start(world: World) -> SelfAssessment:
    return services.self_assessment_start(
        institution=world.school,
        school_year=school_year_get_or_create(code="2024/2025"),
        framework=selectors.framework_in_use(code=FRAMEWORK_AREAS7),
        viewer=WHOLE_CITY,
    )


def plain_unfilled(rows: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """From the definition: in the framework's order, each criterion lacking a level (none chosen) or a description
    (nothing but white space), with what it lacks, level first."""
    found = []
    for row in sorted(rows, key=lambda r: r["criterion__position"]):
        lacks = []
        if row["level"] == "":
            lacks.append("level")
        if re.fullmatch(r"\s*", row["description"]):
            lacks.append("description")
        if lacks:
            found.append((row["criterion__code"], lacks))
    return found


entry_states = st.lists(
    st.tuples(st.sampled_from(LEVELS), st.sampled_from(TEXTS), st.sampled_from(TEXTS)),
    min_size=CRITERIA,
    max_size=CRITERIA,
)


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=entry_states)
def test_what_is_unfilled_is_the_criteria_without_a_level_or_a_description(
    world: World, states: list[tuple[str, str, str]]
) -> None:
    with rolled_back():
        assessment = start(world)
        for entry, (level, description, strengths) in zip(
            assessment.entries.order_by("criterion__position"), states, strict=True
        ):
            entry.level, entry.description, entry.strengths = level, description, strengths
            entry.save()
        rows = list(assessment.entries.values("criterion__code", "criterion__position", "level", "description"))
        expected = plain_unfilled(rows)

        filling = selectors.self_assessment_filling(entries=selectors.self_assessment_entries(assessment))

        assert [(u["entry"].criterion.code, u["missing"]) for u in filling["unfilled"]] == expected
        assert filling["total"] == len(rows) == CRITERIA
        assert filling["filled"] == CRITERIA - len(expected)


def test_a_new_self_assessment_has_every_criterion_unfilled_and_strengths_do_not_fill_one(world: World) -> None:
    assessment = start(world)
    entry = assessment.entries.get(criterion__code="2.1")
    entry.level, entry.strengths, entry.next_steps = "good", "Sasniegumi", "Plāns"
    entry.save()
    filling = selectors.self_assessment_filling(entries=selectors.self_assessment_entries(assessment))
    assert filling["filled"] == 0 and len(filling["unfilled"]) == CRITERIA
    assert filling["unfilled"][1]["missing"] == ["description"]  # 2.1 comes after area 1's criterion
    assert rules.entry_missing_parts(level="good", description=" Teksts ") == []
    assert rules.entry_missing_parts(level="", description="\n") == ["level", "description"]


def test_a_criterion_knows_its_neighbours_and_the_next_unfilled_one_going_round(world: World) -> None:
    assessment = start(world)
    entries = selectors.self_assessment_entries(assessment, with_evidence=False)
    codes = [entry.criterion.code for entry in entries]
    assert codes[:4] == ["1", "2.1", "2.2", "2.3"] and codes[-1] == "7.3"
    for entry in entries:  # every criterion filled but 2.2
        if entry.criterion.code != "2.2":
            entry.level, entry.description = "good", "Teksts"
            entry.save()
    entries = selectors.self_assessment_entries(assessment, with_evidence=False)

    first = selectors.self_assessment_neighbours(entries=entries, current=entries[0])
    assert (first["number"], first["total"], first["previous"]) == (1, CRITERIA, None)
    assert first["next"].criterion.code == "2.1" and first["next_unfilled"].criterion.code == "2.2"

    last = selectors.self_assessment_neighbours(entries=entries, current=entries[-1])
    assert last["number"] == CRITERIA and last["next"] is None and last["previous"].criterion.code == "7.2"
    assert last["next_unfilled"].criterion.code == "2.2"  # going round to the start

    itself = selectors.self_assessment_neighbours(entries=entries, current=entries[2])
    assert itself["next_unfilled"] is None  # 2.2 is the only one unfilled: nothing else to go to

"""The demonstration data of issue 18: seed 003's technical school (its programmes, 644 learners in vocational
secondary programmes, 88 pedagogues, its published self-assessment with the seed's levels) and seed 002's heads'
evaluations and unified-school statuses, which the readiness report's quality section shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from eduboard.assets.models import Room
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.selectors import institution_staff_figures
from eduboard.quality.models import (
    Accreditation,
    HeadEvaluation,
    SelfAssessment,
    SelfAssessmentEntry,
    UnifiedSchoolStatus,
)
from eduboard.registry.models import Enrolment, Institution
from eduboard.registry.selectors import institution_programme_figures
from eduboard.reports.readiness import build_readiness
from eduboard.reports.self_assessment import build_self_assessment_report
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# Seed 003: the level of each criterion ("" where the seed rates none).
SEED_003_LEVELS = {
    "1": "very_good",
    "2.1": "good", "2.2": "", "2.3": "good",
    "3.1": "", "3.2": "",
    "4.1": "very_good", "4.2": "very_good", "4.3": "very_good", "4.4": "very_good", "4.5": "very_good",
    "4.6": "", "4.7": "very_good",
    "5.1": "very_good", "5.2": "very_good",
    "6.1": "very_good", "6.2": "good",
    "7.1": "very_good", "7.2": "very_good", "7.3": "very_good",
}  # fmt: skip


@dataclass(frozen=True)
class Demo:
    programmes: list[dict[str, Any]]
    staff: dict[str, Any]
    assessment: dict[str, Any]
    levels: dict[str, str]
    heads: dict[str, Any]
    readiness_figures: dict[str, Any]
    readiness_heads_table: dict[str, Any] | None
    report: dict[str, Any]
    counts: tuple[int, ...]


def counts(tehnikums: Institution) -> tuple[int, ...]:
    return (
        SelfAssessment.objects.count(),
        SelfAssessmentEntry.objects.count(),
        HeadEvaluation.objects.count(),
        UnifiedSchoolStatus.objects.count(),
        Accreditation.objects.count(),
        Room.objects.filter(institution=tehnikums).count(),
        Enrolment.objects.filter(group__institution=tehnikums).count(),
    )


def blocks_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for section in content["sections"] for block in section["blocks"]]


def figures_of(content: dict[str, Any]) -> dict[str, Any]:
    return {item["key"]: item["value"] for b in blocks_of(content) if b["type"] == "figures" for item in b["items"]}


@pytest.fixture(scope="module")
def demo(read_demo: ReadDemo[Demo]) -> Demo:
    """Load the demonstration data once for this module, read what it holds, and roll it all back."""
    return read_demo(read_the_demo)


def read_the_demo() -> Demo:
    """What the tests check, read from the demonstration data."""
    tehnikums = Institution.objects.get(registration_number="2734003068")
    assessment = SelfAssessment.objects.select_related("school_year").get(
        institution=tehnikums, school_year__code="2024/2025"
    )
    on = date(2024, 10, 1)
    first = counts(tehnikums)
    out = StringIO()
    call_command("quality_stats", "heads", "--as-of", "2024-08-20", stdout=out)
    readiness = build_readiness(as_of=date(2024, 8, 20), visible_to=WHOLE_CITY)
    loaded = Demo(
        programmes=institution_programme_figures(institution=tehnikums, school_year=assessment.school_year, as_of=on),
        staff=institution_staff_figures(institution=tehnikums, as_of=on),
        assessment={
            "status": assessment.status,
            "framework": assessment.framework.code,
            "priorities": assessment.priorities,
        },
        levels=dict(assessment.entries.values_list("criterion__code", "level")),
        heads=json.loads(out.getvalue()),
        readiness_figures=figures_of(readiness),
        readiness_heads_table=next((b for b in blocks_of(readiness) if b.get("key") == "quality.heads"), None),
        report=build_self_assessment_report(assessment=assessment, visible_to=WHOLE_CITY),
        counts=first,
    )
    return loaded


def test_the_tehnikums_teaches_644_learners_in_32_groups_of_vocational_secondary_programmes(demo: Demo) -> None:
    secondary = [row for row in demo.programmes if row["code"].startswith("33")]
    assert len(secondary) == 11
    assert sum(row["learners"] for row in secondary) == 644
    assert sum(row["groups"] for row in secondary) == 32
    assert len({q for row in secondary for q in row["qualifications"]}) == 13  # seed 003: 13 specialities
    by_code = {row["code"]: (row["groups"], row["learners"]) for row in demo.programmes}
    assert by_code["32815011"] == (3, 58)  # arodizglītība: Frizieris
    assert by_code["35522011"][1] == 18 and by_code["22542011"][1] == 17


def test_the_tehnikums_has_88_pedagogues_with_their_qualifications(demo: Demo) -> None:
    assert demo.staff["pedagogues"] == 88
    assert sum(count for _title, count in demo.staff["qualifications"]) == 88
    assert demo.staff["qualifications"][0] == ("Maģistra grāds", 51)


def test_the_tehnikums_self_assessment_is_published_with_seed_003s_levels(demo: Demo) -> None:
    assert demo.assessment["status"] == "published" and demo.assessment["framework"] == "areas7"
    assert demo.levels == SEED_003_LEVELS
    assert "Profesionālās izglītības kompetences centra statusa saglabāšana." in demo.assessment["priorities"]


def test_heads_evaluations_and_unified_school_statuses_are_seed_002s(demo: Demo) -> None:
    assert demo.heads["levels"] == {
        "excellent": 2, "very_good": 1, "good": 3, "needs_improvement": 5, "insufficient": 0,
    }  # fmt: skip
    unified = demo.heads["unified_school"]
    assert unified["schools"] == 11
    assert unified["environment"] == {"meets": 9, "partly": 1, "does_not_meet": 1}
    assert unified["head"] == {"ensured": 6, "partly": 5, "not": 0}


def test_the_readiness_report_shows_the_heads_figures(demo: Demo) -> None:
    figures = demo.readiness_figures
    assert (figures["quality.unified.meets"], figures["quality.unified.partly"]) == (9, 1)
    assert figures["quality.unified.does_not_meet"] == 1
    assert (figures["quality.unified.head_ensured"], figures["quality.unified.head_partly"]) == (6, 5)
    table = demo.readiness_heads_table
    assert table is not None
    assert [row[1] for row in table["rows"]][:4] == [2, 1, 3, 5] and table["total"][1] == 11


def test_the_self_assessment_report_of_the_demo_holds_the_tehnikums_figures(demo: Demo) -> None:
    figures = figures_of(demo.report)
    assert figures["general.registration_number"] == "2734003068"
    assert figures["general.learners"] == 644 + 58 + 18 + 17
    assert figures["general.pedagogues"] == 88
    assert figures["programmes.professional_secondary.learners"] == 644
    assert figures["programmes.vocational.learners"] == 58
    tables = {b["key"]: b for b in blocks_of(demo.report) if b["type"] == "table"}
    assert tables["programmes.professional_secondary"]["total"][1:] == [11, 13, 32, 644]
    rooms = tables["resources.rooms"]
    assert rooms["total"][1] == 86 and rooms["total"][3] == 230  # 55 + 10 + 17 + 2 + 2 rooms; 230 computers
    exams = tables["exams.comparison"]
    assert {row[1] for row in exams["rows"]} >= {"Latviešu valoda", "Matemātika"}
    levels = {row[0]["t"]: row[1] for row in tables["evaluation.levels"]["rows"]}
    assert levels == {"very good": 13, "good": 3, "not rated": 4}


def test_the_tehnikums_has_its_evaluation_rows(demo: Demo) -> None:
    """(A second load changes no row and no figure: tests/test_demo.py checks it for every area.)"""
    assert demo.counts[0] >= 2 and demo.counts[5] == 86

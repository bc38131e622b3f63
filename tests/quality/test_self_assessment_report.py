"""The self-assessment report from data: an institution's own figures and levels, the narrative per criterion,
its files (HTML, PDF, DOCX) from `build_report self_assessment`, and who may build it."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import selectors, services
from eduboard.quality.choices import FRAMEWORK_AREAS7
from eduboard.quality.models import SelfAssessment
from eduboard.registry.models import Enrolment, Group, Learner, Programme
from eduboard.reports.self_assessment import build_self_assessment_report, self_assessment_for
from tests.factories import UserFactory
from tests.quality.conftest import CODES, World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

YEAR = "2024/2025"


def blocks_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for section in content["sections"] for block in section["blocks"]]


def figures_of(content: dict[str, Any]) -> dict[str, Any]:
    return {item["key"]: item["value"] for b in blocks_of(content) if b["type"] == "figures" for item in b["items"]}


@pytest.fixture
def assessment(world: World) -> SelfAssessment:
    """The school: one vocational programme with two groups (3 and 2 learners on 1 October, a third learner of
    the second group left in September), the world's two teachers, and a self-assessment with 2.1 and 4.1 rated."""
    year = school_year_get_or_create(code=YEAR)
    programme = Programme.objects.create(code="33481011", name="Datorsistēmas", level="vocational")
    other = Programme.objects.create(code="32815011", name="Frizieru pakalpojumi", level="vocational")
    groups = [
        Group.objects.create(
            institution=world.school, school_year=year, programme=programme, name="DS-1",
            qualification="Datorsistēmu tehniķis",
        ),
        Group.objects.create(
            institution=world.school, school_year=year, programme=other, name="F-1", qualification="Frizieris"
        ),
    ]  # fmt: skip
    for number, (group, left_on) in enumerate(
        [(groups[0], None)] * 3 + [(groups[1], None)] * 2 + [(groups[1], date(2024, 9, 20))]
    ):
        birth = date(2007, 1, 1 + number)
        learner = Learner.objects.create(
            personal_code=CODES.for_birth_date(birth),
            first_name="Jānis",
            last_name=f"Bērziņš{number}",
            birth_date=birth,
        )
        Enrolment.objects.create(learner=learner, group=group, enrolled_on=date(2024, 9, 1), left_on=left_on)
    # The other school's learners never count here.
    other_group = Group.objects.create(
        institution=world.other_school, school_year=year, programme=programme, name="X-1"
    )
    stranger = Learner.objects.create(
        personal_code=CODES.for_birth_date(date(2007, 5, 5)), first_name="Ilze", last_name="Cita",
        birth_date=date(2007, 5, 5),
    )  # fmt: skip
    Enrolment.objects.create(learner=stranger, group=other_group, enrolled_on=date(2024, 9, 1))
    found = services.self_assessment_start(
        institution=world.school,
        school_year=year,
        framework=selectors.framework_in_use(code=FRAMEWORK_AREAS7),
        viewer=WHOLE_CITY,
        priorities="Digitālās prasmes.\nSadarbība ar darba devējiem.",
    )
    for code, level, strengths in [("2.1", "good", "Stundu vērošana katru mēnesi."), ("4.1", "very_good", "")]:
        entry = found.entries.get(criterion__code=code)
        entry.level, entry.description, entry.strengths = level, f"Apraksts {code}.", strengths
        services.self_assessment_entry_save(entry=entry, viewer=WHOLE_CITY, expected_version=entry.version)
    return found


def test_the_report_holds_the_institutions_own_figures_and_levels(world: World, assessment: SelfAssessment) -> None:
    content = build_self_assessment_report(assessment=assessment, visible_to=world.head)
    assert content["as_of"] == "2024-10-01" and content["school_year"] == YEAR
    figures = figures_of(content)
    assert figures["general.learners"] == 5  # 3 + 2 on 1 October; the one who left in September not
    assert figures["general.groups"] == 2 and figures["general.programmes"] == 2
    assert figures["general.pedagogues"] == 2  # Anna and Boriss; Kārlis teaches at the other school
    assert figures["programmes.professional_secondary.learners"] == 3
    assert figures["programmes.vocational.learners"] == 2
    blocks = blocks_of(content)
    levels = [b["text"]["p"]["level"]["t"] for b in blocks if b["type"] == "paragraph" and isinstance(b["text"], dict)]
    assert levels.count("good") == 1 and levels.count("very good") == 1 and levels.count("not rated") == 18
    texts = [b["text"] for b in blocks if b["type"] == "paragraph" and isinstance(b["text"], str)]
    assert "Stundu vērošana katru mēnesi." in texts and "Apraksts 4.1." in texts
    assert "Sadarbība ar darba devējiem." in texts  # the priorities, a paragraph each


def test_a_head_builds_their_own_and_the_board_any_but_never_another_schools(
    world: World, assessment: SelfAssessment
) -> None:
    found = self_assessment_for(institution_number="9000000011", year=YEAR, viewer=world.head)
    assert found.pk == assessment.pk
    assert self_assessment_for(institution_number="9000000011", year=YEAR, viewer=world.analyst).pk == assessment.pk
    other_head = UserFactory(username="cits", role=Role.INSTITUTION_HEAD, institutions=[world.other_school])
    with pytest.raises(PermissionDenied):
        self_assessment_for(institution_number="9000000011", year=YEAR, viewer=other_head)
    with pytest.raises(PermissionDenied):
        build_self_assessment_report(assessment=assessment, visible_to=other_head)
    with pytest.raises(SelfAssessment.DoesNotExist):
        self_assessment_for(institution_number="9000000015", year=YEAR, viewer=world.analyst)


def test_build_report_writes_the_report_as_html_pdf_and_docx(assessment: SelfAssessment, tmp_path: Path) -> None:
    from docx import Document

    common = ["self_assessment", "--institution", "9000000011", "--year", YEAR]
    for fmt in ("html", "pdf", "docx"):
        call_command("build_report", *common, "--format", fmt, "--out", str(tmp_path / f"r.{fmt}"), verbosity=0)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Zinātņu vidusskola" in html and "Stundu vērošana katru mēnesi." in html
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    text = "\n".join(p.text for p in Document(str(tmp_path / "r.docx")).paragraphs)
    assert "Apraksts 2.1." in text and "Zinātņu vidusskola" in text
    with pytest.raises(CommandError, match="9000000015"):
        call_command("build_report", "self_assessment", "--institution", "9000000015", "--year", YEAR,
                     "--format", "html", "--out", str(tmp_path / "x.html"))  # fmt: skip
    with pytest.raises(CommandError, match="--institution"):
        call_command("build_report", "self_assessment", "--format", "html", "--out", "-", stdout=io.StringIO())

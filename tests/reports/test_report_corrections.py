"""Issue 36, point 3: the readiness report's figures are the board's own, labelled for what they are, and read well.

On the demonstration data (seed 002's city): the state-founded Daugavpils tehnikums is listed apart and never
counted among the board's institutions; the innovation centre's two staff figures agree with the people area's
rule; one cost of a learner per programme, labelled, and a sentence on the other; money with two decimals and
one number of decimals for the percentages of a table; a heading's dates are its sentence's; a zero is said in
words and an empty part is said in a sentence or left out, in every format.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, PositionKind
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from eduboard.reports.content import render_text
from eduboard.reports.readiness import build_readiness
from eduboard.reports.renderers import render_report
from eduboard.reports.selectors import flatten_figures

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
AS_OF = date(2024, 8, 20)
# As a user builds it (seed 002's dates): pupils and staff on 19.08, money on 14.08.
DATES = {"general": date(2024, 8, 19), "staff": date(2024, 8, 19), "money": date(2024, 8, 14)}
TEHNIKUMS = "Daugavpils tehnikums"


@pytest.fixture(scope="module")
def content(demo: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates=DATES)


def values(content: dict[str, Any]) -> dict[str, Any]:
    return {key: entry.value for key, entry in flatten_figures(content).items()}


def blocks_of(content: dict[str, Any], section: str) -> list[dict[str, Any]]:
    return next(entry for entry in content["sections"] if entry["key"] == section)["blocks"]


def paragraphs(content: dict[str, Any], section: str, language: str) -> list[str]:
    with translation.override(language):
        return [render_text(block["text"]) for block in blocks_of(content, section) if block["type"] == "paragraph"]


def tables(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        block["key"]: block
        for section in content["sections"]
        for block in section["blocks"]
        if block["type"] == "table"
    }


def places(text: Any) -> int:
    return max(-int(Decimal(str(text)).as_tuple().exponent), 0)  # type: ignore[arg-type]


# --- 1. the board's own institutions


def test_the_state_technical_school_is_not_counted_among_the_boards_competence_centres(
    content: dict[str, Any],
) -> None:
    figures = values(content)
    own_vocational = (
        Institution.objects.boards_own().active_on(date(2024, 9, 1)).filter(type=InstitutionType.VOCATIONAL).count()
    )
    assert Institution.objects.state_founded().filter(name=TEHNIKUMS).exists()
    # Seed 002: "11 vispārizglītojošās skolas un Mākslu kompetences centrs" - one centre, the municipal one.
    assert figures["general.vocational"] == figures["general.arts_centres"] == own_vocational == 1
    assert figures["general.schools"] == 11
    assert figures["preschool.institutions"] == Institution.objects.boards_own().filter(type="preschool").count()
    latvian = paragraphs(content, "general", "lv")
    assert any("11 vispārizglītojošās skolas un 1 mākslu izglītības kompetences centrs" in text for text in latvian)


def test_a_state_founded_institution_is_listed_apart_and_labelled_so(content: dict[str, Any]) -> None:
    listed = tables(content)["general.state_founded"]
    assert [row[0] for row in listed["rows"]] == [TEHNIKUMS]
    html = render_report(content, {}, fmt="html").decode()
    assert "Valsts dibinātās izglītības iestādes pilsētā" in html
    assert "Daugavpils tehnikums; tā nav pārvaldes padotībā" in html
    english = render_report(content, {}, fmt="html", language="en").decode()
    assert "1 state-founded institution works in the city: Daugavpils tehnikums" in english


def test_the_state_schools_pedagogues_and_vacancies_are_not_the_boards(demo: None) -> None:
    """Once the technical school's staff are at work (from 1 September in the demo), they still count nowhere."""
    tehnikums = Institution.objects.get(name=TEHNIKUMS)
    Employment.objects.filter(institution=tehnikums).update(start_date=date(2024, 8, 1))
    assert Employment.objects.active_on(date(2024, 8, 19)).filter(institution=tehnikums).exists()
    pedagogues_at_saules_skola = (
        Employment.objects.active_on(date(2024, 8, 19))
        .pedagogical()
        .filter(institution__type=InstitutionType.VOCATIONAL)
        .exclude(institution=tehnikums)
        .values("staff_member")
        .distinct()
        .count()
    )
    built = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates=DATES)
    assert values(built)["general.pedagogues_vocational"] == pedagogues_at_saules_skola == 60
    vacancies = tables(built)["general.vacancies"]
    assert TEHNIKUMS not in [row[0] for row in vacancies["rows"]]


# --- 2. the innovation centre's staff


def test_the_innovation_centres_two_staff_figures_agree_with_the_people_rule(content: dict[str, Any]) -> None:
    figures = values(content)
    centre = Employment.objects.active_on(date(2024, 8, 19)).filter(institution__type="innovation_centre")
    employees = centre.values("staff_member").distinct().count()
    pedagogues = centre.pedagogical().values("staff_member").distinct().count()
    assert (figures["interest.centre_organisers"], figures["interest.centre_pedagogues"]) == (employees, pedagogues)
    assert pedagogues <= employees
    latvian = paragraphs(content, "interest", "lv")
    if pedagogues < employees:  # the demo's organisers hold a position that is not pedagogical
        assert not any("organizatori" in text for text in latvian)
        assert "Inovāciju centrā strādā 3 darbinieki; neviens no viņiem nav pedagoga amatā" in " ".join(latvian)


def test_organisers_in_a_pedagogical_position_are_the_centres_pedagogues(demo: None) -> None:
    teacher = PositionKind.objects.get(code="subject_teacher")
    Employment.objects.filter(institution__type="innovation_centre").update(position=teacher)
    built = build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY, dates=DATES)
    figures = values(built)
    assert (figures["interest.centre_organisers"], figures["interest.centre_pedagogues"]) == (3, 3)
    assert "Inovāciju centrā radošās nodarbības vada 3 izglītojošo nodarbību organizatori." in paragraphs(
        built, "interest", "lv"
    )


# --- 3. one cost of a learner per programme


def test_each_programme_has_one_cost_labelled_and_a_sentence_on_the_computed_one(content: dict[str, Any]) -> None:
    costs = tables(content)["preschool.cost_per_learner"]
    for row in costs["rows"]:
        assert len([cell for cell in row[1:] if cell not in ("", None)]) == 1, row
    figures = values(content)
    assert figures["preschool.cost_per_learner/Preschool, 24-hour group/Approved"] == "474.09"
    assert not any(key.startswith("preschool.cost_per_learner/") and "Computed" in key for key in figures)
    latvian = " ".join(paragraphs(content, "preschool", "lv"))
    assert "Apstiprinātās viena izglītojamā kopējās izmaksas" in latvian and "diennakts grupā ir 474,09 EUR" in latvian
    assert "542,91 EUR mēnesī – par 68,82 EUR vairāk nekā apstiprinātās izmaksas" in latvian
    assert "nosaka visam gadam iepriekš" in latvian
    english = " ".join(paragraphs(content, "preschool", "en"))
    assert "542.91 EUR a month, 68.82 EUR more than the approved cost" in english


# --- 4. money and percentages


def test_money_is_written_with_two_decimals(content: dict[str, Any]) -> None:
    meals = tables(content)["preschool.meal_rules"]
    amounts = [row[index] for row in meals["rows"] for index, unit in enumerate(meals["units"]) if unit == "EUR"]
    assert amounts and all(places(amount) == 2 for amount in amounts), amounts
    html = render_report(content, {}, fmt="html").decode()
    assert "2,500 EUR" not in html and "0,000 EUR" not in html
    assert ">2,50 EUR<" in html


def test_the_percentages_of_one_table_have_one_number_of_decimals(content: dict[str, Any]) -> None:
    checked = 0
    for key, block in tables(content).items():
        columns = [
            index
            for index, unit in enumerate(block["units"])
            if unit in ("%", "pp") and block["columns"][index].get("t") != "Meeting, in whole percent"
        ]
        found = {
            places(row[index])
            for row in block["rows"]
            for index in columns
            if isinstance(row[index], str | int) and not isinstance(row[index], bool)
        }
        assert len(found) <= 1, (key, found)
        checked += bool(found)
    assert checked >= 5
    html = render_report(content, {}, fmt="html").decode()
    assert ">62,0 %<" in html and ">48,4 %<" in html and ">62 %<" not in html


# --- 5. a heading's dates are its sentence's


def test_the_observation_headings_dates_are_its_sentences(content: dict[str, Any]) -> None:
    quality = blocks_of(content, "quality")
    with translation.override("lv"):
        heading = next(
            render_text(b["text"])
            for b in quality
            if b["type"] == "heading" and b["text"]["t"].startswith("Lesson observations")
        )
        sentence = next(render_text(b["text"]) for b in quality if b["type"] == "paragraph")
    dates = re.findall(r"\d{2}\.\d{2}\.\d{4}", heading)
    assert dates == ["01.09.2023", "30.06.2024"]
    assert re.findall(r"\d{2}\.\d{2}\.\d{4}", sentence)[:2] == dates


# --- 6. zeros and empty parts in words


def test_no_pupil_failing_again_is_said_in_words(content: dict[str, Any]) -> None:
    assert values(content)["quality.below_threshold.ce_secondary.repeat"] == 0
    said = {language: " ".join(paragraphs(content, "quality", language)) for language in ("lv", "en", "ru")}
    assert (
        not re.search(r"\b0 skolēnu", said["lv"])
        and "neviens skolēns nenokārtoja to pašu eksāmenu otrreiz" in said["lv"]
    )
    assert "no pupil failed the same exam for the second time" in said["en"]
    assert not re.search(r"\b0 учеников", said["ru"]) and "ни один ученик не провалил" in said["ru"]


def test_every_pupil_reaching_the_threshold_is_said_in_words() -> None:
    from eduboard.reports.sentences import below_threshold

    block = below_threshold(exam="ce_secondary", threshold=Decimal(15), learners=0, results=0, repeat=0)
    with translation.override("lv"):
        assert render_text(block["text"]) == "Vidusskolā 15 % minimālo kopvērtējuma slieksni sasniedza visi skolēni."


def test_an_empty_table_is_said_in_a_sentence_in_every_format(content: dict[str, Any]) -> None:
    from docx import Document
    from openpyxl import load_workbook

    assert tables(content)["resources.licences"]["rows"] == []
    sentence = "Uz 20.08.2024. spēkā esošu licenču nav."
    html = render_report(content, {}, fmt="html").decode()
    assert "Nav ko rādīt" not in html and sentence in html
    assert "Spēkā esošās licences" not in html  # no table title over nothing
    document = Document(io.BytesIO(render_report(content, {}, fmt="docx")))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert sentence in texts and "Spēkā esošās licences" not in texts
    workbook = load_workbook(io.BytesIO(render_report(content, {}, fmt="xlsx")))
    assert not any(name.startswith("Spēkā esošās licences") for name in workbook.sheetnames)

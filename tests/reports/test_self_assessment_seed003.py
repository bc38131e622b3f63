"""Seed 003's self-assessment report built from the demonstration data: Daugavpils tehnikums's report of 2024/2025
holds the seed's tables 1 and 3–7, the follow-up of the earlier recommendations, the gaps to the nation, its
equipment and its projects, each row labelled with its school year (the seed's tables are of 2019/2020), under the
seed's programme code and a title that names the institution in the genitive."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from eduboard.core.scope import WHOLE_CITY
from eduboard.quality.models import SelfAssessment
from eduboard.registry.models import Programme
from eduboard.reports.content import render_text
from eduboard.reports.renderers import render_report
from eduboard.reports.self_assessment import build_self_assessment_report, report_title, report_title_values
from tests.demo_data import ReadDemo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

TEHNIKUMS = "2734003068"
YEAR = "2024/2025"
SEED_YEAR = {"y": "2019/2020"}
LATVIAN_TITLE = "%(institution_genitive)s pašnovērtējuma ziņojums %(year)s mācību gadā"

# Seed 003, table 3: subject, the tehnikums's %, vocational schools' %, the nation's %; the gaps the seed writes
# ("latviešu valodā par 22.6%, matemātikā par 15.4%, Latvijas un pasaules vēsturē par 26.1% un angļu valodā par
# 28.8%").
TABLE_3 = {
    "Latviešu valoda": ("30.0", "46.5", "52.6", "-22.6"),
    "Matemātika": ("20.8", "24.3", "36.2", "-15.4"),
    "Latvijas un pasaules vēsture": ("34.3", "41.5", "60.4", "-26.1"),
    "Angļu valoda": ("40.5", "58.9", "69.3", "-28.8"),
}
# Seed 003, table 4: a few rows (qualified, lower, not, examined) and the totals.
TABLE_4_ROWS = {
    "Automehāniķis": [20, 1, 0, 21],
    "Programmēšanas tehniķis (1,5)": [11, 0, 1, 12],
    "Dzelzceļa transporta pārvadājumu organizācijas un kustības drošības tehniķis": [8, 0, 0, 8],
    "Šuvēja palīgs (cietuma grupa)": [12, 0, 0, 12],
}
TABLE_4_TOTAL = [260, 1, 1, 262]
# Seed 003, table 5.
TABLE_5 = {
    "“Esi līderis!”": 27, "Mūsdienu dejas": 9, "Vokālais kolektīvs (tautas mūzika)": 7,
    "Vokālais kolektīvs (estrādes mūzika)": 17, "Vizuālā un lietišķā māksla": 17, "Modes teātris": 7,
    "Vispārējā fiziskā sagatavotība un sporta spēles": 26, "Smagatlētika": 22, "Galda teniss": 18,
}  # fmt: skip
# Seed 003, table 6: (code, qualification) -> graduates and the seven outcomes; the totals. The seed's total of
# "work in another field" is 56, but its rows add up to 58 (7+2+0+5+0+7+5+5+8+3+6+6+4+0), which every other column's
# total and the 215 graduates agree with: the rows are kept.
TABLE_6_ROWS = {
    ("33 525 01 1", "Automehāniķis"): [18, 6, 0, 2, 7, 3, 0, 0],
    ("35b 525 01 1", "Automehāniķis"): [16, 7, 1, 3, 2, 1, 2, 0],
    ("33 481 03 1", "Programmēšanas tehniķis"): [21, 5, 4, 2, 6, 2, 0, 2],
    ("32 521 01 1", "Metālapstrādātājs"): [3, 3, 0, 0, 0, 0, 0, 0],
}
TABLE_6_TOTAL = [215, 74, 14, 34, 58, 24, 6, 5]
# Seed 003, table 7: place, body, issued on, number.
TABLE_7 = [
    ("Mendeļejeva iela 1, Daugavpils", "State Fire and Rescue Service", "2020-03-05", "21/9.2-3.1-53"),
    ("Mendeļejeva iela 1, Daugavpils", "Health Inspectorate", "2020-01-23", "00048220"),
    ("Strādnieku iela 16, Daugavpils", "State Fire and Rescue Service", "2020-07-14", "22/9.2-3.1-175"),
    ("Strādnieku iela 16, Daugavpils", "Health Inspectorate", "2020-06-17", "00297920"),
    ("Varšavas iela 23, Daugavpils", "State Fire and Rescue Service", "2020-07-14", "22/9.2-3.1-173"),
    ("Varšavas iela 23, Daugavpils", "Health Inspectorate", "2020-06-18", "00299820"),
]
# Seed 003's equipment: 13 interactive whiteboards, 10 touch screens, 10 document cameras, 11 multifunction devices
# (one in each touch-screen room and the library's), the library's 10 computers.
EQUIPMENT = {
    "Interaktīvā tāfele": 13,
    "Skārienjutīgais ekrāns": 10,
    "Dokumentu kamera": 10,
    "Multifunkcionālā iekārta": 11,
    "Stacionārais dators": 10,
}


@dataclass(frozen=True)
class Built:
    content: dict[str, Any]
    titles: dict[str, str]
    title_values: dict[str, str]
    programme_codes: set[str]
    html: str
    docx_text: str


def blocks_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for section in content["sections"] for block in section["blocks"]]


def tables_of(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["key"]: block for block in blocks_of(content) if block["type"] == "table"}


@pytest.fixture(scope="module")
def built(read_demo: ReadDemo[Built]) -> Built:
    """Load the demonstration data once for this module, build the tehnikums's report, and roll it all back."""
    return read_demo(read_the_demo)


def read_the_demo() -> Built:
    """What the tests check, read from the demonstration data."""
    import io

    from docx import Document

    assessment = SelfAssessment.objects.select_related("institution", "school_year", "framework").get(
        institution__registration_number=TEHNIKUMS, school_year__code=YEAR
    )
    content = build_self_assessment_report(assessment=assessment, visible_to=WHOLE_CITY)
    titles = {}
    for language in ("lv", "en"):
        with translation.override(language):
            titles[language] = report_title(assessment)
    with translation.override("lv"):
        values = report_title_values(assessment)
    html = render_report(content, {}, fmt="html", language="lv", title=titles["lv"]).decode("utf-8")
    docx = render_report(content, {}, fmt="docx", language="lv", title=titles["lv"])
    document = Document(io.BytesIO(docx))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    loaded = Built(
        content=content,
        titles=titles,
        title_values=values,
        programme_codes=set(
            Programme.objects.filter(groups__institution=assessment.institution).values_list("code", flat=True)
        ),
        html=html,
        docx_text="\n".join([p.text for p in document.paragraphs] + cells),
    )
    return loaded


def test_the_title_names_the_tehnikums_in_the_genitive_and_the_year_in_latvian_form(built: Built) -> None:
    assert built.titles["en"] == "Self-assessment report of Daugavpils tehnikums for the 2024/2025 school year"
    # The Latvian catalogue's form ("%(institution_genitive)s pašnovērtējuma ziņojums %(year)s mācību gadā") filled
    # with the values the title gives it in Latvian.
    latvian = LATVIAN_TITLE % built.title_values
    assert latvian == "Daugavpils tehnikuma pašnovērtējuma ziņojums 2024./2025. mācību gadā"
    assert "2024./2025." in built.titles["lv"]


def test_table_1_is_the_accredited_programme_under_the_seeds_code(built: Built) -> None:
    table = tables_of(built.content)["accreditation.programmes"]
    assert len(table["rows"]) == 1
    code, name, qualification, licensed, until, learners, by_course, year = table["rows"][0]
    assert (code, name, qualification) == ("33345121", "Telemehānika un loģistika", "Loģistikas darbinieks")
    assert licensed == {"d": "2019-09-01"}  # "licencētai izglītības programmai no 01.09.2019."
    assert until == {"d": "2026-11-19"}  # accredited on 20.11.2020 for six years
    assert learners == 49  # "programmu apgūst 49 audzēkņi (II kursā 28, I kursā 21)"
    assert [(item["p"]["grade"], item["p"]["learners"]) for item in by_course["p"]["items"]] == [(1, 21), (2, 28)]
    assert year == {"y": YEAR}
    assert "33345121" in built.programme_codes and "33344011" not in built.programme_codes


def test_table_3_holds_the_seeds_means_and_the_gaps_to_the_nation_labelled_2019_2020(built: Built) -> None:
    table = tables_of(built.content)["exams.comparison"]
    found = {row[1]: tuple(Decimal(value) for value in row[3:7]) for row in table["rows"]}
    assert found == {subject: tuple(Decimal(value) for value in figures) for subject, figures in TABLE_3.items()}
    assert all(row[-1] == SEED_YEAR for row in table["rows"])
    assert table["title"]["p"]["year"] == SEED_YEAR
    exams = next(section for section in built.content["sections"] if section["key"] == "exams")
    notes = [block for block in exams["blocks"] if block["type"] == "note"]
    assert notes and notes[0]["text"]["p"]["year"] == SEED_YEAR  # "the latest the data holds"
    sentence = next(block for block in exams["blocks"] if block["type"] == "paragraph")
    with translation.override("en"):
        text = render_text(sentence["text"])
    assert "Latviešu valoda by 22.60 pp" in text and "Angļu valoda by 28.80 pp" in text


def test_table_4_holds_the_seeds_qualification_exams(built: Built) -> None:
    table = tables_of(built.content)["exams.qualification"]
    assert len(table["rows"]) == 17
    rows = {row[0]: row[1:5] for row in table["rows"]}
    for qualification, figures in TABLE_4_ROWS.items():
        assert rows[qualification] == figures, qualification
    assert table["total"][1:5] == TABLE_4_TOTAL
    assert all(row[5] == SEED_YEAR for row in table["rows"]) and table["title"]["p"]["year"] == SEED_YEAR


def test_table_5_holds_the_learners_in_the_seeds_clubs(built: Built) -> None:
    table = tables_of(built.content)["support.interest"]
    assert {row[0]: row[1] for row in table["rows"]} == TABLE_5
    assert table["total"][1] == 150
    assert all(row[2] == SEED_YEAR for row in table["rows"])


def test_table_6_holds_the_seeds_graduates_and_their_outcomes(built: Built) -> None:
    table = tables_of(built.content)["support.employment"]
    assert len(table["rows"]) == 14
    rows = {(row[0], row[1]["p"]["qualification"]): row[2:10] for row in table["rows"]}
    for key, figures in TABLE_6_ROWS.items():
        assert rows[key] == figures, key
    assert table["total"][2:10] == TABLE_6_TOTAL
    assert all(
        row[1]["p"]["year"] == SEED_YEAR for row in table["rows"]
    )  # "Automehāniķis (Autotransports), 2019./2020."
    assert rows[("33 525 01 1", "Automehāniķis")] and table["rows"][0][1]["p"]["programme"] == "Autotransports"


def test_table_7_holds_the_seeds_opinions_on_the_three_buildings(built: Built) -> None:
    table = tables_of(built.content)["premises.inspections"]
    with translation.override("en"):
        found = [(row[0], render_text(row[1]), row[2]["d"], render_text(row[3])) for row in table["rows"]]
    assert found == TABLE_7
    assert all(row[4] == SEED_YEAR for row in table["rows"])  # the opinions of 2020, all in 2019/2020


def test_the_earlier_recommendation_is_followed_up_by_the_programme_started_in_2019(built: Built) -> None:
    table = tables_of(built.content)["recommendations.follow_up"]
    assert len(table["rows"]) == 1
    given, evaluation, _recommendation, follow_up, status, done, year = table["rows"][0]
    assert given == {"d": "2015-12-01"} and evaluation["p"]["date"] == {"d": "2015-12-01"}
    assert "kods 33345121" in follow_up and "2019.gada 1.septembrī" in follow_up
    assert status == {"t": "carried out"} and done == {"d": "2019-09-01"}
    assert year == {"y": "2015/2016"}


def test_the_tehnikums_16_projects_carried_out_and_6_planned_are_listed(built: Built) -> None:
    tables = tables_of(built.content)
    carried_out, planned = tables["projects.carried_out"]["rows"], tables["projects.planned"]["rows"]
    assert len(carried_out) == 16 and len(planned) == 6
    references = {row[0] for row in carried_out}
    assert {"8.1.3.0/16/I/001", "NPJP-2018/10149", "2019-1-LV01-KA101-060158"} <= references
    assert carried_out[0][2] == {"t": "%(from)s–%(to)s", "p": {"from": {"d": "2015-01-01"}, "to": {"d": "2018-12-31"}}}
    assert "2020-1-LV01-KA116-077195" in {row[0] for row in planned}


def test_the_equipment_held_is_the_seeds(built: Built) -> None:
    table = tables_of(built.content)["resources.assets"]
    assert {row[0]: row[1] for row in table["rows"]} == EQUIPMENT
    assert tables_of(built.content)["resources.rooms"]["total"][3] == 230  # the computer rooms' 230 computers


def test_every_row_of_the_yearly_tables_says_its_school_year(built: Built) -> None:
    tables = tables_of(built.content)
    for key in (
        "accreditation.programmes", "exams.comparison", "exams.qualification", "support.interest",
        "premises.inspections", "recommendations.follow_up",
    ):  # fmt: skip
        assert tables[key]["rows"], key
        assert all(isinstance(row[-1], dict) and "y" in row[-1] for row in tables[key]["rows"]), key
    assert all("year" in row[1]["p"] for row in tables["support.employment"]["rows"])


def test_the_documents_write_the_years_in_latvian_form_and_the_figures(built: Built) -> None:
    for text in (built.html, built.docx_text):
        assert "2019./2020." in text and "33345121" in text
        assert "Loģistikas darbinieks" in text and "Galda teniss" in text and "00297920" in text
        assert "-22,6" in text or "−22,6" in text  # the gap to the nation in Latvian notation

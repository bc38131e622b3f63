"""The self-assessment report's tables kept by the quality area (tables 4–7, section 3) and table 1: each selector
against a plain computation of its definition in small random worlds, and their pages' scope — a head reads and
writes their own institution's rows only, the institution's staff and the board's analysts and observers read
without writing, the board's administrators write any."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_code_for, school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import self_assessment_selectors as selectors
from eduboard.quality.models import (
    Accreditation,
    GraduateEmployment,
    Inspection,
    InspectionBody,
    InterestParticipation,
    QualificationExamResult,
    Recommendation,
    RecommendationStatus,
)
from eduboard.registry.models import Enrolment, Group, Learner, Licence, Programme
from tests.factories import UserFactory
from tests.figure_worlds import FIGURE_SETTINGS, rolled_back
from tests.quality.conftest import CODES, World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

YEARS = ["2018/2019", "2019/2020", "2020/2021", "2024/2025"]
PLACES = ["Mendeļejeva iela 1", "Varšavas iela 23"]
BODIES = [InspectionBody.FIRE_RESCUE, InspectionBody.HEALTH]


# --- the selectors against their definitions


@dataclass(frozen=True)
class ExamRow:
    own: bool  # the institution's, else the other institution's
    year: str
    qualification: str
    counts: tuple[int, int, int]


exam_rows = st.lists(
    st.builds(
        ExamRow,
        own=st.booleans(),
        year=st.sampled_from(YEARS),
        qualification=st.sampled_from(["Frizieris", "Automehāniķis", "Elektrotehniķis"]),
        counts=st.tuples(*(st.integers(0, 30) for _ in range(3))),
    ),
    max_size=8,
    unique_by=lambda row: (row.own, row.year, row.qualification),
)


def test_qualification_exam_table_equals_its_definition(world: World) -> None:
    """Of the latest school year held that starts no later than the report's: examined = qualified + lower + not,
    totals added up over that year's rows of the institution only."""

    @FIGURE_SETTINGS
    @given(rows=exam_rows, report=st.sampled_from(YEARS))
    def check(rows: list[ExamRow], report: str) -> None:
        with rolled_back():
            for row in rows:
                QualificationExamResult.objects.create(
                    institution=world.school if row.own else world.other_school,
                    school_year=school_year_get_or_create(code=row.year),
                    qualification=row.qualification,
                    qualified=row.counts[0],
                    lower_qualification=row.counts[1],
                    not_qualified=row.counts[2],
                )
            found = selectors.qualification_exam_table(
                institution=world.school, school_year=school_year_get_or_create(code=report), visible_to=WHOLE_CITY
            )
            held = sorted({row.year for row in rows if row.own and row.year <= report})
            year = held[-1] if held else None
            mine = sorted((row for row in rows if row.own and row.year == year), key=lambda row: row.qualification)
            assert found["school_year"] == year
            assert [(r["qualification"], r["examined"]) for r in found["rows"]] == [
                (row.qualification, sum(row.counts)) for row in mine
            ]
            assert found["total"] == {
                "qualified": sum(row.counts[0] for row in mine),
                "lower_qualification": sum(row.counts[1] for row in mine),
                "not_qualified": sum(row.counts[2] for row in mine),
                "examined": sum(sum(row.counts) for row in mine),
            }

    check()


def test_graduates_are_every_outcome_added_up_and_interest_participants_their_sum(world: World) -> None:
    year = school_year_get_or_create(code="2019/2020")
    outcomes = dict(zip(GraduateEmployment.OUTCOMES, (6, 0, 2, 7, 3, 0, 0), strict=True))
    GraduateEmployment.objects.create(
        institution=world.school, school_year=year, programme_name="Autotransports", qualification="Automehāniķis",
        **outcomes,
    )  # fmt: skip
    GraduateEmployment.objects.create(
        institution=world.other_school, school_year=year, programme_name="X", qualification="Y", in_profession=50
    )
    for activity, participants in (("Galda teniss", 18), ("Smagatlētika", 22)):
        InterestParticipation.objects.create(
            institution=world.school, school_year=year, activity=activity, participants=participants
        )
    report = school_year_get_or_create(code="2024/2025")
    employment = selectors.graduate_employment_table(
        institution=world.school, school_year=report, visible_to=WHOLE_CITY
    )
    assert employment["school_year"] == "2019/2020"
    assert employment["rows"][0]["graduates"] == sum(outcomes.values()) == 18
    assert employment["total"]["graduates"] == 18 and employment["total"]["working_other_field"] == 7
    interest = selectors.interest_participation_table(
        institution=world.school, school_year=report, visible_to=WHOLE_CITY
    )
    assert interest["total"] == 40 and [row["activity"] for row in interest["rows"]] == ["Galda teniss", "Smagatlētika"]
    earlier = school_year_get_or_create(code="2018/2019")
    assert selectors.interest_participation_table(
        institution=world.school, school_year=earlier, visible_to=WHOLE_CITY
    ) == {"school_year": None, "rows": [], "total": 0}


@dataclass(frozen=True)
class Opinion:
    place: str
    body: str
    issued_on: date


opinions = st.lists(
    st.builds(
        Opinion,
        place=st.sampled_from(PLACES),
        body=st.sampled_from(BODIES),
        issued_on=st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 31)),
    ),
    max_size=8,
    unique_by=lambda row: (row.place, row.body, row.issued_on),
)


def test_inspection_rows_equal_their_definition(world: World) -> None:
    """Per place and body, the latest opinion issued on or before the day; ordered by place, then body; each with
    the school year of its day."""

    @FIGURE_SETTINGS
    @given(rows=opinions, on=st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 31)))
    def check(rows: list[Opinion], on: date) -> None:
        with rolled_back():
            for number, row in enumerate(rows):
                Inspection.objects.create(
                    institution=world.school, address=row.place, body=row.body, issued_on=row.issued_on,
                    number=f"N{number}",
                )  # fmt: skip
            Inspection.objects.create(
                institution=world.other_school, address=PLACES[0], body=BODIES[0], issued_on=date(2019, 1, 1)
            )
            found = selectors.inspection_rows(institution=world.school, on=on, visible_to=WHOLE_CITY)
            latest: dict[tuple[str, str], date] = {}
            for row in rows:
                if row.issued_on <= on:
                    key = (row.place, row.body)
                    latest[key] = max(latest.get(key, row.issued_on), row.issued_on)
            expected = [(place, body, day, school_year_code_for(day)) for (place, body), day in sorted(latest.items())]
            labels = dict(InspectionBody.choices)
            assert [(r["address"], r["body"], r["issued_on"], r["school_year"]) for r in found] == [
                (place, str(labels[body]), day, year) for place, body, day, year in expected
            ]

    check()


def test_recommendation_rows_are_those_given_by_the_day_oldest_first(world: World) -> None:
    accreditation = Accreditation.objects.create(
        institution=world.school, accredited_on=date(2015, 12, 1), term_years=6, expires_on=date(2021, 12, 1)
    )
    for given_on, text in ((date(2019, 5, 1), "B"), (date(2015, 12, 1), "A"), (date(2025, 5, 1), "C")):
        Recommendation.objects.create(
            institution=world.school,
            accreditation=accreditation if text == "A" else None,
            given_on=given_on,
            follow_up=text,
            status=RecommendationStatus.DONE if text == "A" else RecommendationStatus.IN_PROGRESS,
            done_on=date(2019, 9, 1) if text == "A" else None,
        )
    Recommendation.objects.create(institution=world.other_school, given_on=date(2016, 1, 1), follow_up="other")
    rows = selectors.recommendation_rows(institution=world.school, on=date(2024, 10, 1), visible_to=WHOLE_CITY)
    assert [row["follow_up"] for row in rows] == ["A", "B"]
    assert rows[0]["accredited_on"] == date(2015, 12, 1) and rows[0]["school_year"] == "2015/2016"
    assert rows[0]["done_on"] == date(2019, 9, 1) and rows[1]["accredited_on"] is None


def test_accredited_programme_rows_count_the_programmes_learners_by_course(world: World) -> None:
    """Table 1: programmes with an accreditation in force on the day (or given later in the school year), their
    licence, and the learners the registry counts on the day, by course."""
    year = school_year_get_or_create(code="2024/2025")
    logistics = Programme.objects.create(code="33345121", name="Telemehānika un loģistika", level="vocational")
    other = Programme.objects.create(code="33481011", name="Datorsistēmas", level="vocational")
    expired = Programme.objects.create(code="32815011", name="Frizieru pakalpojumi", level="vocational")
    Licence.objects.create(institution=world.school, programme=logistics, issued_on=date(2019, 9, 1))
    for programme, accredited_on in (
        (logistics, date(2020, 11, 20)),
        (other, date(2025, 3, 1)),
        (expired, date(2016, 1, 1)),
    ):
        Accreditation.objects.create(
            institution=world.school, programme=programme, accredited_on=accredited_on, term_years=6,
            expires_on=date(accredited_on.year + 6, accredited_on.month, accredited_on.day),
        )  # fmt: skip
    sizes = {1: 3, 2: 2}
    number = 0
    for grade, size in sizes.items():
        group = Group.objects.create(
            institution=world.school, school_year=year, programme=logistics, name=f"L-{grade}", grade=grade,
            qualification="Loģistikas darbinieks",
        )  # fmt: skip
        for _ in range(size + 1):  # one more, who left in September
            number += 1
            birth = date(2006, 1, number)
            learner = Learner.objects.create(
                personal_code=CODES.for_birth_date(birth), first_name="A", last_name=f"B{number}", birth_date=birth
            )
            left = date(2024, 9, 20) if _ == size else None
            Enrolment.objects.create(learner=learner, group=group, enrolled_on=date(2024, 9, 1), left_on=left)
    rows = selectors.accredited_programme_rows(
        institution=world.school, school_year=year, on=date(2024, 10, 1), visible_to=WHOLE_CITY
    )
    assert [row["code"] for row in rows] == ["33345121", "33481011"]  # the 2016 accreditation ended in 2022
    first = rows[0]
    assert first["licensed_on"] == date(2019, 9, 1) and first["qualifications"] == ["Loģistikas darbinieks"]
    assert first["learners"] == sum(sizes.values()) and first["learners_by_grade"] == sorted(sizes.items())
    assert rows[1]["learners"] == 0 and rows[1]["licensed_on"] is None
    head_elsewhere = UserFactory(username="cita", role=Role.INSTITUTION_HEAD, institutions=[world.other_school])
    assert (
        selectors.accredited_programme_rows(
            institution=world.school, school_year=year, on=date(2024, 10, 1), visible_to=head_elsewhere
        )
        == []
    )


# --- the pages' scope


LIST_PAGES = [
    "quality:qualification_exam_list",
    "quality:interest_participation_list",
    "quality:graduate_employment_list",
    "quality:inspection_list",
    "quality:recommendation_list",
]


@pytest.fixture
def rows(world: World) -> dict[str, tuple[Any, Any]]:
    """A row of each table in the own school (A) and the other school (B)."""
    year = school_year_get_or_create(code="2019/2020")
    made: dict[str, tuple[Any, Any]] = {}

    def pair(name: str, make: Any) -> None:
        made[name] = (make(world.school, "Alfa"), make(world.other_school, "Beta"))

    pair(
        "qualification_exam",
        lambda i, tag: QualificationExamResult.objects.create(
            institution=i, school_year=year, qualification=f"{tag} kvalifikācija", qualified=3
        ),
    )
    pair(
        "interest_participation",
        lambda i, tag: InterestParticipation.objects.create(
            institution=i, school_year=year, activity=f"{tag} pulciņš", participants=4
        ),
    )
    pair(
        "graduate_employment",
        lambda i, tag: GraduateEmployment.objects.create(
            institution=i, school_year=year, programme_name=f"{tag} programma", qualification="Q", in_profession=2
        ),
    )
    pair(
        "inspection",
        lambda i, tag: Inspection.objects.create(
            institution=i, address=f"{tag} iela 1", body=InspectionBody.HEALTH, issued_on=date(2020, 1, 23)
        ),
    )
    pair(
        "recommendation",
        lambda i, tag: Recommendation.objects.create(
            institution=i, given_on=date(2015, 12, 1), follow_up=f"{tag} izpilde"
        ),
    )
    return made


SignIn = Callable[[User], Client]


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_a_head_lists_and_exports_their_own_institutions_rows_only(
    world: World, rows: dict[str, tuple[Any, Any]], url_name: str, signed_in: SignIn
) -> None:
    client = signed_in(world.head)
    page = client.get(reverse(url_name))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alfa" in html and "Beta" not in html
    export = client.get(reverse(url_name), {"export": "csv"})
    assert export.status_code == 200 and b"Alfa" in export.content and b"Beta" not in export.content
    board = signed_in(world.analyst).get(reverse(url_name)).content.decode()
    assert "Alfa" in board and "Beta" in board


@pytest.mark.parametrize(
    "name", ["qualification_exam", "interest_participation", "graduate_employment", "inspection", "recommendation"]
)
def test_a_head_opens_their_own_row_and_never_another_schools(
    world: World, rows: dict[str, tuple[Any, Any]], name: str, signed_in: SignIn
) -> None:
    own, foreign = rows[name]
    client = signed_in(world.head)
    assert client.get(reverse(f"quality:{name}_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse(f"quality:{name}_edit", args=[foreign.pk])).status_code == 404
    assert client.post(reverse(f"quality:{name}_edit", args=[foreign.pk]), {"delete": "1"}).status_code == 404
    assert type(foreign).objects.filter(pk=foreign.pk).exists()
    assert client.post(reverse(f"quality:{name}_edit", args=[own.pk]), {"delete": "1"}).status_code == 302
    assert not type(own).objects.filter(pk=own.pk).exists()


def test_a_head_adds_a_row_to_their_institution_and_cannot_to_another(world: World, signed_in: SignIn) -> None:
    year = school_year_get_or_create(code="2019/2020")
    client = signed_in(world.head)
    data = {"school_year": year.pk, "position": 1, "activity": "Galda teniss", "participants": 18}
    assert client.post(reverse("quality:interest_participation_new"), data).status_code == 302
    row = InterestParticipation.objects.get(activity="Galda teniss")
    assert row.institution == world.school  # the head's one institution, without choosing it
    refused = client.post(
        reverse("quality:interest_participation_new"),
        {**data, "activity": "Cits", "institution": world.other_school.pk},
    )
    assert refused.status_code == 200 and not InterestParticipation.objects.filter(activity="Cits").exists()


def test_staff_and_analysts_read_the_rows_but_do_not_write_them(
    world: World, rows: dict[str, tuple[Any, Any]], signed_in: SignIn
) -> None:
    own, _foreign = rows["inspection"]
    for user in (world.anna_user, world.analyst, world.observer):
        client = signed_in(user)
        assert client.get(reverse("quality:inspection_edit", args=[own.pk])).status_code == 200
        assert client.post(reverse("quality:inspection_edit", args=[own.pk]), {"delete": "1"}).status_code == 403
        assert client.get(reverse("quality:inspection_new")).status_code == 403
    assert Inspection.objects.filter(pk=own.pk).exists()


def test_the_boards_administrator_edits_any_institutions_row(
    world: World, rows: dict[str, tuple[Any, Any]], signed_in: SignIn
) -> None:
    _own, foreign = rows["interest_participation"]
    admin = UserFactory(username="admins", role=Role.BOARD_ADMIN)
    client = signed_in(admin)
    data = {
        "institution": foreign.institution_id, "school_year": foreign.school_year_id, "position": 2,
        "activity": foreign.activity, "participants": 5, "version": foreign.version,
    }  # fmt: skip
    assert client.post(reverse("quality:interest_participation_edit", args=[foreign.pk]), data).status_code == 302
    foreign.refresh_from_db()
    assert (foreign.participants, foreign.version) == (5, 2)
    stale = client.post(reverse("quality:interest_participation_edit", args=[foreign.pk]), {**data, "participants": 6})
    assert stale.status_code == 200  # made on version 1, now at 2: refused
    foreign.refresh_from_db()
    assert foreign.participants == 5

"""The open datasets (issue 43, point 5), each against a plain computation from the test's own rows: learners by
institution, grade and language with small cells withheld and their complements; groups and free places; staff and
FTE; cost per learner; exam results where at least 5 sat; the centre's visits. No file names a person."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from eduboard.centre.models import Module, Visit
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.models import Allocation, Expenditure, FundingSource
from eduboard.opendata.datasets import (
    BUILDERS,
    centre_visits_dataset,
    cost_per_learner_dataset,
    csv_text,
    exam_results_dataset,
    groups_dataset,
    institutions_dataset,
    json_text,
    learners_dataset,
    staff_fte_dataset,
)
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.quality.models import ExamResult, ExamSitting, Subject
from eduboard.registry.board_scope import whole_board
from eduboard.registry.boards import Board
from eduboard.registry.models import Group, Institution, Learner
from tests.dataquality.test_checks import CODES, enrol, group, learner, school

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 10, 15)


def fill(into: Group, count: int, *, born: date = date(2017, 1, 1), tag: str = "") -> list[Learner]:
    made = []
    for n in range(count):
        child = learner(f"Vārds{tag}{into.pk}x{n}", f"Uzvārds{tag}{into.pk}x{n}", born.replace(day=1 + n % 28))
        enrol(child, into)
        made.append(child)
    return made


@pytest.fixture
def two_schools() -> dict[str, Group]:
    """A: 7 in grade 1 and 3 in grade 2; B: 8 in grade 1, 6 in grade 2 and 12 in grade 3 (basic, Latvian)."""
    a, b = school("9000000101", "A skola"), school("9000000102", "B skola")
    groups = {
        "a1": group(a, level="basic", grade=1, name="1.a", capacity=10),
        "a2": group(a, level="basic", grade=2, name="2.a", capacity=10),
        "b1": group(b, level="basic", grade=1, name="1.b", capacity=8),
        "b2": group(b, level="basic", grade=2, name="2.b", capacity=20),
        "b3": group(b, level="basic", grade=3, name="3.b"),
    }
    for key, count in {"a1": 7, "a2": 3, "b1": 8, "b2": 6, "b3": 12}.items():
        fill(groups[key], count)
    return groups


def test_learners_by_institution_grade_and_language_with_small_cells_and_their_complements_withheld(
    two_schools: dict[str, Group],
) -> None:
    dataset = learners_dataset(as_of=AS_OF, visible_to=WHOLE_CITY)
    cells = {(row["registration_number"], row["grade"]): row for row in dataset.rows}
    plain = {("9000000101", 1): 7, ("9000000101", 2): 3, ("9000000102", 1): 8, ("9000000102", 2): 6}
    plain[("9000000102", 3)] = 12
    assert set(cells) == set(plain)
    assert all(row["level"] == "basic" and row["language"] == "lv" for row in dataset.rows)
    # A's grade 2 (3) is small; A's total then takes A's grade 1, grade 2's total B's grade 2, grade 1's B's grade 1.
    withheld = {key for key, row in cells.items() if row["suppressed"]}
    assert withheld == {("9000000101", 1), ("9000000101", 2), ("9000000102", 1), ("9000000102", 2)}
    assert all(cells[key]["learners"] is None for key in withheld)
    assert cells[("9000000102", 3)]["learners"] == plain[("9000000102", 3)]
    assert dataset.period_start == dataset.period_end == AS_OF


def test_a_learner_in_two_groups_of_one_cell_counts_once_and_interest_groups_are_not_counted() -> None:
    a = school("9000000101", "A skola")
    first, other_first = group(a, level="basic", grade=1, name="1.a"), group(a, level="basic", grade=1, name="1.b")
    club = group(a, level="interest", grade=None, name="Robotika")
    children = fill(first, 6)
    enrol(children[0], other_first)
    enrol(children[1], club)
    (row,) = learners_dataset(as_of=AS_OF, visible_to=WHOLE_CITY).rows
    assert (row["grade"], row["learners"], row["suppressed"]) == (1, 6, False)


def test_groups_with_their_free_places_withheld_where_the_learners_are(two_schools: dict[str, Group]) -> None:
    rows = {row["group"]: row for row in groups_dataset(as_of=AS_OF, visible_to=WHOLE_CITY).rows}
    assert set(rows) == {"1.a", "2.a", "1.b", "2.b", "3.b"}
    # The learners' cells of 1.a, 2.a, 1.b and 2.b are withheld in `learners`, so their groups are here too.
    assert {name for name, row in rows.items() if row["suppressed"]} == {"1.a", "2.a", "1.b", "2.b"}
    assert rows["2.a"]["learners"] is None and rows["2.a"]["free_places"] is None and rows["2.a"]["capacity"] == 10
    assert (rows["3.b"]["learners"], rows["3.b"]["capacity"], rows["3.b"]["free_places"]) == (12, None, None)


def test_free_places_are_capacity_less_learners_where_nothing_is_withheld() -> None:
    a = school("9000000101", "A skola")
    first, second = (
        group(a, level="basic", grade=1, name="1.a", capacity=25),
        group(a, level="basic", grade=2, name="2.a", capacity=20),
    )
    fill(first, 18)
    fill(second, 22)
    rows = {row["group"]: row for row in groups_dataset(as_of=AS_OF, visible_to=WHOLE_CITY).rows}
    assert (rows["1.a"]["learners"], rows["1.a"]["free_places"]) == (18, 25 - 18)
    assert (rows["2.a"]["learners"], rows["2.a"]["free_places"]) == (22, 0)  # over capacity: none free


def test_institutions_with_type_founder_and_address_open_on_the_day() -> None:
    a = school("9000000101", "A skola")
    Institution.objects.filter(pk=a.pk).update(address="Rīgas iela 1, Daugavpils")
    closed = school("9000000102", "Slēgta skola")
    Institution.objects.filter(pk=closed.pk).update(closed_on=date(2024, 6, 1))
    rows = institutions_dataset(as_of=AS_OF, visible_to=WHOLE_CITY).rows
    assert rows == [
        {
            "registration_number": "9000000101",
            "name": "A skola",
            "type": "secondary",
            "founder": "municipality",
            "address": "Rīgas iela 1, Daugavpils",
        }
    ]


def teacher_kind() -> PositionKind:
    return PositionKind.objects.filter(is_pedagogical=True).first() or PositionKind.objects.create(
        code="teacher", name="Skolotājs", is_pedagogical=True
    )


def test_staff_and_fte_by_institution_with_a_small_count_withheld_with_its_rates() -> None:
    a, b, c = school("9000000101", "A skola"), school("9000000102", "B skola"), school("9000000103", "C skola")
    cook = PositionKind.objects.create(code="cook", name="Pavārs", is_pedagogical=False)
    people = iter(range(100))

    def rate(where: Institution, kind: PositionKind, fte: str) -> None:
        n = next(people)
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1970, 1, 1 + n % 28)), first_name=f"S{n}", last_name=f"Darb{n}"
        )
        Employment.objects.create(
            staff_member=person, institution=where, position=kind, fte=Decimal(fte), start_date=date(2024, 9, 1)
        )

    for _n in range(6):
        rate(a, teacher_kind(), "1.0")
    rate(a, cook, "0.5")
    for _n in range(3):
        rate(b, teacher_kind(), "0.5")
    for _n in range(9):
        rate(c, teacher_kind(), "0.75")
    rows = {row["registration_number"]: row for row in staff_fte_dataset(as_of=AS_OF, visible_to=WHOLE_CITY).rows}
    # B's 3 pedagogues (and 3 staff) are withheld with their FTE; the city's totals then take A's 6 pedagogues and
    # 7 staff too, the smallest others. C's figures are the plain sums of its rates.
    assert rows["9000000102"]["pedagogues"] is None and rows["9000000102"]["pedagogues_fte"] is None
    assert rows["9000000102"]["staff"] is None and rows["9000000102"]["suppressed"] is True
    assert rows["9000000101"]["pedagogues"] is None and rows["9000000101"]["staff_fte"] is None
    assert (rows["9000000103"]["pedagogues"], rows["9000000103"]["pedagogues_fte"]) == (9, Decimal("6.75"))
    assert (rows["9000000103"]["staff"], rows["9000000103"]["staff_fte"]) == (9, Decimal("6.75"))


def test_staff_fte_counts_each_person_once_and_sums_every_rate() -> None:
    a = school("9000000101", "A skola")
    cook = PositionKind.objects.create(code="cook", name="Pavārs", is_pedagogical=False)
    for n in range(6):
        person = StaffMember.objects.create(
            personal_code=CODES.for_birth_date(date(1970, 1, 1 + n)), first_name=f"S{n}", last_name=f"Darb{n}"
        )
        Employment.objects.create(
            staff_member=person, institution=a, position=teacher_kind(), fte=Decimal("1"), start_date=date(2024, 9, 1)
        )
        if n < 2:  # two of them also cook half-time
            Employment.objects.create(
                staff_member=person, institution=a, position=cook, fte=Decimal("0.5"), start_date=date(2024, 9, 1)
            )
    (row,) = staff_fte_dataset(as_of=AS_OF, visible_to=WHOLE_CITY).rows
    assert (row["pedagogues"], row["pedagogues_fte"], row["staff"], row["staff_fte"]) == (
        6,
        Decimal("6"),
        6,
        Decimal("7"),
    )


def test_cost_per_learner_by_institution_is_the_spending_over_its_learner_months() -> None:
    a, b = school("9000000101", "A skola"), school("9000000102", "B skola")
    fill(group(a, level="basic", grade=5, name="5.a"), 10)
    fill(group(b, level="basic", grade=5, name="5.b"), 8)
    fill(group(b, level="basic", grade=6, name="6.b"), 12)
    source = FundingSource.objects.first() or FundingSource.objects.create(code="municipal", name="Pašvaldība")
    for where, amount in ((a, "1000.00"), (b, "3000.00")):
        allocation = Allocation.objects.create(
            year=2024, institution=where, source=source, purpose="other", amount=Decimal("9999")
        )
        Expenditure.objects.create(allocation=allocation, date=date(2024, 10, 2), amount=Decimal(amount), document="1")
    dataset = cost_per_learner_dataset(as_of=AS_OF, visible_to=WHOLE_CITY)
    rows = {row["registration_number"]: row for row in dataset.rows}
    # Enrolled on 2 September: counted on 1 October only (one learner-month each).
    assert (rows["9000000101"]["learner_months"], rows["9000000101"]["cost_per_learner_month"]) == (
        10,
        Decimal("100.00"),
    )
    assert rows["9000000102"]["cost_per_learner_month"] == Decimal("150.00")
    assert rows["9000000101"]["kind"] == "general" and dataset.period_start == date(2024, 1, 1)


def test_exam_results_where_fewer_than_5_sat_are_withheld_with_a_complement_in_their_sitting() -> None:
    a, b, c = school("9000000101", "A skola"), school("9000000102", "B skola"), school("9000000103", "C skola")
    maths = Subject.objects.create(name="Matemātika")
    old = ExamSitting.objects.create(year=2023, exam="ce_basic", subject=maths, grade=9)
    ExamResult.objects.create(sitting=old, institution=a, candidates=30, mean_percent=Decimal("50"))
    sitting = ExamSitting.objects.create(year=2024, exam="ce_basic", subject=maths, grade=9)
    for where, candidates, mean in ((a, 4, "90.5"), (b, 20, "60.25"), (c, 40, "55")):
        ExamResult.objects.create(sitting=sitting, institution=where, candidates=candidates, mean_percent=Decimal(mean))
    rows = {row["registration_number"]: row for row in exam_results_dataset(as_of=AS_OF, visible_to=WHOLE_CITY).rows}
    assert {row["year"] for row in rows.values()} == {2024}
    assert rows["9000000101"]["candidates"] is None and rows["9000000101"]["mean_percent"] is None
    # the smaller partner's count is withheld, so the city's total keeps A's 4 hidden; its result (20 sat) is published
    assert rows["9000000102"]["suppressed"] is True and rows["9000000102"]["candidates"] is None
    assert rows["9000000102"]["mean_percent"] == Decimal("60.25")
    assert (rows["9000000103"]["candidates"], rows["9000000103"]["mean_percent"]) == (40, Decimal("55.00"))
    assert rows["9000000103"]["subject"] == "Matemātika"


def test_the_centres_visits_by_month_and_module() -> None:
    centre = Institution.objects.create(
        name="Inovāciju centrs", type="innovation_centre", registration_number="9000000109"
    )
    robots = Module.objects.create(code="robotics", name_lv="Robotika", name_en="Robotics")
    for day, module in ((date(2024, 9, 3), robots), (date(2024, 9, 20), robots), (date(2024, 10, 1), None)):
        Visit.objects.create(centre=centre, date=day, learners=20, teachers=2, module=module, school_name="A skola")
    dataset = centre_visits_dataset(as_of=AS_OF, visible_to=WHOLE_CITY)
    by = {(row["month"], row["module"]): row["visits"] for row in dataset.rows}
    assert by[("2024-09", "robotics")] == 2 and by[("2024-09", "")] == 2
    assert by[("2024-10", "robotics")] == 0 and by[("2024-10", "")] == 1
    assert dataset.period_start == date(2023, 11, 1) and dataset.period_end == AS_OF
    assert len({row["month"] for row in dataset.rows}) == 12


def test_no_file_of_any_dataset_names_a_person_or_a_personal_code(two_schools: dict[str, Group]) -> None:
    person = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1975, 5, 5)), first_name="Skolotāja", last_name="Bērziņa"
    )
    Employment.objects.create(
        staff_member=person,
        institution=two_schools["a1"].institution,
        position=teacher_kind(),
        fte=Decimal("1"),
        start_date=date(2024, 9, 1),
    )
    board = Board.objects.get()
    words = set()
    for child in Learner.objects.all():
        words |= {child.first_name, child.last_name, child.personal_code, child.personal_code.replace("-", "")}
    words |= {person.first_name, person.last_name, person.personal_code, person.personal_code.replace("-", "")}
    for code, build in BUILDERS.items():
        dataset = build(as_of=AS_OF, visible_to=whole_board(board))
        text = csv_text(dataset) + json_text(dataset, board=board)
        assert not [word for word in words if word in text], code


def test_csv_has_a_header_row_and_writes_a_formula_as_text_and_json_writes_decimals_exactly() -> None:
    a = school("9000000101", "=HYPERLINK(1) skola")
    Institution.objects.filter(pk=a.pk).update(address="+371 iela")
    dataset = institutions_dataset(as_of=AS_OF, visible_to=WHOLE_CITY)
    rows = list(csv.reader(io.StringIO(csv_text(dataset))))
    assert rows[0] == ["registration_number", "name", "type", "founder", "address"]
    assert rows[1][1] == "'=HYPERLINK(1) skola" and rows[1][4] == "'+371 iela"
    fill(group(a, level="basic", grade=5, name="5.a"), 10)
    board = Board.objects.get()
    staff = staff_fte_dataset(as_of=AS_OF, visible_to=WHOLE_CITY)
    document = json.loads(json_text(staff, board=board))
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/" and document["board"] == board.code
    assert document["period"] == {"start": "2024-10-15", "end": "2024-10-15"}


def test_a_board_of_several_reads_only_its_own_institutions() -> None:
    a = school("9000000101", "A skola")
    other = Board.objects.create(code="rezekne", name="Rēzeknes pārvalde", council="Rēzeknes dome")
    b = Institution.objects.create(name="B skola", type="secondary", registration_number="9000000102", board=other)
    rows = institutions_dataset(as_of=AS_OF, visible_to=whole_board(other)).rows
    assert [row["registration_number"] for row in rows] == [b.registration_number]
    assert a.board.code != "rezekne"

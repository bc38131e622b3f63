"""Money, FTE and percentages leave the selectors as Decimals (never floats) and are written exactly at the edge:
10.50 stays 10.50, an FTE of 0.333 stays 0.333, from the database to the commands' JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from eduboard.accounts.roles import Role
from eduboard.core.numbers import fte, json_figures
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.models import SettlementLine
from eduboard.finance.selectors import finance_stats, meal_compensation
from eduboard.people.models import Employment, PositionKind, StaffMember, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.people.selectors import people_stats
from eduboard.quality import selectors as quality
from eduboard.quality import services as quality_services
from eduboard.quality.defaults import ensure_default_form
from eduboard.quality.models import ExamResult, ExamSitting, LearnerResult
from eduboard.registry.models import Institution
from tests.factories import UserFactory
from tests.finance.world import CODES, MAY, MONEY_AS_OF, MoneyWorld, allocation, meal_world, money_world, spend

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

# the keys under which the selectors give money (2 places), FTE (3 places) and percentages or points (2 places)
MONEY_KEYS = {
    "allocated",
    "spent",
    "approved",
    "computed",
    "difference",
    "amount",
    "receivable",
    "due",
    "balance",
    "receivable_total",
    "due_total",
    "total",
    "state",
    "municipal",
}
FTE_KEYS = {"fte", "vacancies_fte_total"}
PERCENT_KEYS = {
    "utilisation_percent",
    "percent",
    "previous_percent",
    "change_points",
    "mean_percent",
    "threshold_percent",
    "national_mean_percent",
    "type_mean_percent",
    "gap_points",
    "gap_to_type_points",
    "gap_to_national_points",
}


def leaves(data: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) of every value that is no dict or list; a dict's values under an amount key count
    as amounts (`amount_by_level`)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict | list):
                yield from leaves(value, f"{path}/{key}")
            else:
                yield f"{path}/{key}", str(key), value
            if key == "amount_by_level":
                yield from ((f"{path}/{key}/{k}", "amount", v) for k, v in value.items())
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, f"{path}[{index}]")


def assert_figures_are_decimals(data: Any) -> int:
    """No float anywhere; every money, FTE and percentage figure a Decimal with its places. How many there were."""
    seen = 0
    for path, key, value in leaves(data):
        assert not isinstance(value, float), f"{path} is a float: {value!r}"
        places = 2 if key in MONEY_KEYS | PERCENT_KEYS else 3 if key in FTE_KEYS else None
        if places is None or value is None or isinstance(value, str):  # a name under the key "state" is no figure
            continue
        assert isinstance(value, Decimal), f"{path} is {type(value).__name__}: {value!r}"
        assert value.as_tuple().exponent == -places, f"{path} has not {places} places: {value!r}"
        seen += 1
    return seen


@dataclass
class World:
    money: MoneyWorld
    school: Institution


@pytest.fixture
def world(db: None) -> World:
    """The finance money world with an allocation of 10.50 spent in full, a settlement of 10.50, two vacancies
    of 0.333 and 0.5 FTE, exam results and an observed lesson."""
    money = money_world()
    school = money.base.school
    ten_fifty = allocation(money.base, amount="10.50", source="erasmus", purpose="other", institution=school)
    spend(ten_fifty, date(2024, 2, 1), "10.50", "ER-1")
    SettlementLine.objects.create(
        municipality=money.base.preili,
        direction="incoming",
        level="basic",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 1, 31),
        learners=1,
        months=1,
        monthly_cost=Decimal("10.50"),
    )
    ensure_standard_positions()
    teacher_kind = PositionKind.objects.get(code="subject_teacher")
    for subject, rate in (("ķīmija", "0.333"), ("fizika", "0.5")):
        Vacancy.objects.create(
            institution=school, position=teacher_kind, subject=subject, fte=Decimal(rate), declared_on=date(2024, 3, 1)
        )
    subject = quality_services.subject_get_or_create(name="Matemātika")
    sitting = ExamSitting.objects.create(
        year=2024, exam="ce_basic", subject=subject, national_mean_percent=Decimal("43.2")
    )
    ExamResult.objects.create(
        sitting=sitting,
        institution=school,
        candidates=3,
        mean_percent=Decimal("10.5"),
        below_threshold=1,
        type_mean_percent=Decimal("40.25"),
    )
    monitoring = ExamSitting.objects.create(year=2024, exam="monitoring", subject=subject, grade=7)
    LearnerResult.objects.create(
        sitting=monitoring,
        personal_code=CODES.for_birth_date(date(2011, 2, 3)),
        institution=school,
        percent=Decimal("10.5"),
    )
    ensure_default_form()
    teacher = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1980, 3, 15)), first_name="Anna", last_name="Ozola"
    )
    Employment.objects.create(
        staff_member=teacher, institution=school, position=teacher_kind, fte=1, start_date=date(2020, 9, 1)
    )
    form = quality.form_in_use()
    answers = {criterion.code: "yes" for criterion in quality.form_criteria(form)}
    observer = UserFactory(role=Role.OBSERVER)
    for day, first in ((date(2023, 3, 1), "no"), (date(2024, 3, 1), "yes"), (date(2024, 3, 2), "no")):
        quality_services.observation_record(
            form=form,
            on=day,
            institution=school,
            kind="external",
            teacher=teacher,
            subject=subject,
            grade="7.b",
            answers={**answers, next(iter(answers)): first},
            observer=observer,
            viewer=WHOLE_CITY,
        )
    return World(money, school)


def printed(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_finance_stats_give_every_amount_and_percentage_as_a_decimal_with_2_places(world: World) -> None:
    stats = finance_stats(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)
    assert assert_figures_are_decimals(stats) > 40
    erasmus = stats["utilisation_by_source"]["erasmus"]
    assert erasmus == {
        "allocated": Decimal("10.50"),
        "spent": Decimal("10.50"),
        "utilisation_percent": Decimal("100.00"),
    }
    assert str(erasmus["allocated"]) == "10.50"
    assert stats["settlements"]["receivable_total"] == Decimal("10.50")
    assert str(stats["settlements"]["receivable_total"]) == "10.50"


def test_finance_stats_command_writes_10_50_as_the_json_number_10_50(world: World) -> None:
    text = printed("finance_stats", "--as-of", MONEY_AS_OF.isoformat())
    exact = json.loads(text, parse_float=Decimal)
    assert exact == finance_stats(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)  # the same keys and the same values
    assert exact["utilisation_by_source"]["erasmus"]["allocated"] == Decimal("10.50")
    assert '"allocated": 10.50,' in text and "10.499" not in text
    plain = json.loads(text)  # a JSON number, not a string, and 10.5 exactly to any reader
    assert plain["utilisation_by_source"]["erasmus"]["allocated"] == 10.5
    assert plain["settlements"]["receivable_total"] == 10.5
    assert all(
        isinstance(row[key], float) for row in plain["utilisation_by_allocation"] for key in ("allocated", "spent")
    )


def test_meal_compensation_amounts_are_decimals_and_print_exactly() -> None:
    meals = meal_world()
    computation = meal_compensation(institution=meals.base.school, month=MAY)
    data = computation.as_dict()
    assert assert_figures_are_decimals(data) > 3
    text = printed("meal_compensation", "--institution", meals.base.school.registration_number, "--month", "2024-05")
    assert json.loads(text, parse_float=Decimal) == data


def test_people_stats_give_fte_as_decimals_with_3_places_and_0_333_stays_0_333(world: World) -> None:
    stats = people_stats(visible_to=WHOLE_CITY, as_of=MONEY_AS_OF)
    assert assert_figures_are_decimals(stats) == 2 + 1 + 1
    positions = {p["subject"]: p["fte"] for p in stats["vacancies"][world.school.registration_number]["positions"]}
    assert positions == {"ķīmija": Decimal("0.333"), "fizika": Decimal("0.500")}
    assert str(positions["ķīmija"]) == "0.333"
    assert stats["vacancies_fte_total"] == Decimal("0.833")
    text = printed("people_stats", "--as-of", MONEY_AS_OF.isoformat())
    assert json.loads(text, parse_float=Decimal) == stats
    assert '"fte": 0.333,' in text
    assert json.loads(text)["vacancies_fte_total"] == 0.833


def test_quality_figures_are_decimals_with_2_places(world: World) -> None:
    observations = quality.observation_figures(visible_to=WHOLE_CITY, date_from=date(2023, 9, 1), date_to=MONEY_AS_OF)
    assert assert_figures_are_decimals(observations) >= 3
    first_code = next(iter(quality.form_criteria(quality.form_in_use()))).code
    changed = observations["criteria"][first_code]
    assert (changed["percent"], changed["previous_percent"], changed["change_points"]) == (
        Decimal("50.00"),
        Decimal("0.00"),
        Decimal("50.00"),
    )
    [city] = quality.exam_comparison(visible_to=WHOLE_CITY, year=2024, exam="ce_basic")
    assert assert_figures_are_decimals(city) == 4
    assert (city["mean_percent"], city["threshold_percent"], city["gap_points"]) == (
        Decimal("10.50"),
        Decimal("10.00"),
        Decimal("-32.70"),
    )
    [own] = quality.institution_exam_comparison(visible_to=WHOLE_CITY, institution=world.school, year=2024)
    assert assert_figures_are_decimals(own) == 5
    assert own["gap_to_type_points"] == Decimal("-29.75")
    [group] = quality.support_list(visible_to=WHOLE_CITY, year=2024, exam="monitoring", below_percent=Decimal(20))
    assert assert_figures_are_decimals(group) == 1
    assert str(group["learners"][0]["percent"]) == "10.50"
    text = printed("quality_stats", "exams", "--year", "2024", "--exam", "ce_basic")
    assert json.loads(text, parse_float=Decimal) == [city]
    assert '"mean_percent": 10.50,' in text


def test_json_figures_write_decimals_exactly_and_everything_else_as_json_does() -> None:
    data = {
        "amount": Decimal("10.50"),
        "fte": fte("0.333"),
        "negative": Decimal("-0.10"),
        "none": None,
        "text": "Līgo – “Jāņi”",
        "nested": {"list": [1, True, Decimal("100"), []], "empty": {}},
        7: "an int key",
    }
    text = json_figures(data)
    assert '"amount": 10.50,' in text and '"fte": 0.333,' in text and '"negative": -0.10,' in text
    assert json.loads(text, parse_float=Decimal) == {str(key): value for key, value in data.items()}
    without_decimals = {key: value for key, value in data.items() if key not in {"amount", "fte", "negative"}}
    without_decimals["nested"] = {"list": [1, True, 100, []], "empty": {}}
    assert json_figures(without_decimals) == json.dumps(without_decimals, ensure_ascii=False, indent=2)
    assert json_figures(without_decimals, indent=None) == json.dumps(without_decimals, ensure_ascii=False)
    with pytest.raises(ValueError, match="JSON number"):
        json_figures({"x": Decimal("NaN")})
    with pytest.raises(TypeError):
        fte(0.5)  # type: ignore[arg-type]

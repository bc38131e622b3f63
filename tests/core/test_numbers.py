from decimal import Decimal

import pytest

from eduboard.core.numbers import money, percent

pytestmark = pytest.mark.one_database


def test_percent_reproduces_the_readiness_report_utilisation_figures() -> None:
    # Seed 002: state money for preschool teaching aids EUR 61716, spent 3474.93 = 5.63 %.
    assert percent(Decimal("3474.93"), Decimal("61716")) == Decimal("5.63")
    assert percent(Decimal("13666.90"), Decimal("55755")) == Decimal("24.51")
    assert percent(Decimal("172669.81"), Decimal("348064")) == Decimal("49.61")
    assert percent(Decimal("46426.88"), Decimal("135225")) == Decimal("34.33")


def test_percent_rounds_half_up_not_to_even() -> None:
    assert percent(1, 8) == Decimal("12.50")
    assert percent(Decimal("0.125"), 1) == Decimal("12.50")
    assert percent(Decimal("0.00005"), 1) == Decimal("0.01")  # 0.005 % rounds up, banker's rounding would not


def test_percent_of_nothing_is_not_a_number() -> None:
    assert percent(5, 0) is None


def test_money_and_percent_refuse_floats() -> None:
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        percent(0.5, 1)  # type: ignore[arg-type]


def test_money_has_two_places_rounded_half_up() -> None:
    assert money("1.545") == Decimal("1.55")
    assert money(3) == Decimal("3.00")

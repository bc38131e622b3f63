"""Money and percentages: one way to compute them, so a figure is the same everywhere."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """An amount in euros as a Decimal with 2 places (round half up). Floats are refused."""
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal, int or str.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: Decimal | int, whole: Decimal | int, *, places: int = 2) -> Decimal | None:
    """`part` as a percentage of `whole`, rounded half up to `places` (2 unless a document prints whole
    percents, as seed 002 does for observations); None when `whole` is 0."""
    if isinstance(part, float) or isinstance(whole, float):
        raise TypeError("Percentages are computed from Decimals or ints, never floats.")
    whole_d = Decimal(whole)
    if whole_d == 0:
        return None
    return (Decimal(part) * 100 / whole_d).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

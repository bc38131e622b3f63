"""Money, FTE and percentages: one way to compute them, so a figure is the same everywhere; and one way to
write them as JSON, exactly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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


FTE_PLACES = Decimal("0.001")


def fte(value: Decimal | int | str) -> Decimal:
    """A full-time equivalent as a Decimal with 3 places (round half up), as rates are kept. Floats are refused."""
    if isinstance(value, float):
        raise TypeError("An FTE rate is never a float; pass a Decimal, int or str.")
    return Decimal(value).quantize(FTE_PLACES, rounding=ROUND_HALF_UP)


def chart_number(value: Decimal | int | None) -> float | None:
    """A figure as a chart's data point (Chart.js draws JS numbers): the one place a figure becomes a float,
    at the page's edge, for drawing only; the table beside every chart shows the exact Decimal."""
    return None if value is None else float(value)


def json_figures(data: Any, *, indent: int | None = 2) -> str:
    """`data` as JSON text, laid out as `json.dumps(data, ensure_ascii=False, indent=indent)` would, except that
    a Decimal is written as a JSON number with exactly its digits (Decimal("10.50") as 10.50).

    Figures stay Decimal from the selectors to here, the edge (the management commands' output); no float is
    made on the way, so a figure neither gains nor loses a digit. `json.loads(text, parse_float=Decimal)` reads
    them back exactly.
    """
    return "".join(_json_parts(data, indent, 0))


def _json_decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} cannot be written as a JSON number.")
    return format(value, "f")


def _json_key(key: Any) -> str:
    """A dict key as JSON writes it (keys are strings in JSON)."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool | int | float):
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _json_parts(value: Any, indent: int | None, depth: int) -> Iterator[str]:
    if isinstance(value, Decimal):
        yield _json_decimal(value)
    elif isinstance(value, dict | list | tuple):
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        if not value:
            yield opening + closing
            return
        if indent is None:
            separator, before, after = ", ", "", ""
        else:
            before = "\n" + " " * (indent * (depth + 1))
            separator, after = "," + before, "\n" + " " * (indent * depth)
        yield opening + before
        for index, item in enumerate(value.items() if isinstance(value, dict) else value):
            if index:
                yield separator
            if isinstance(value, dict):
                key, item = item
                yield json.dumps(_json_key(key), ensure_ascii=False) + ": "
            yield from _json_parts(item, indent, depth + 1)
        yield after + closing
    else:
        yield json.dumps(value, ensure_ascii=False)

"""The report's content as plain, JSON-ready data, and how it is turned into text in one language.

A report is built once as data (sections of blocks holding figures and tables), so that a published
edition can be frozen as JSON and rendered later in any language. Words are stored as their English
msgid (`T(...)`) and translated when rendered; data (institution names, codes) is stored as a plain
string. Numbers are ints or decimal strings ("5.63"), never floats, and are formatted by one function
(`format_value`) for the page, PDF and DOCX; the XLSX gets the same numbers as numbers.

Blocks (`type`):
- `heading`: `text`, `level` (2 or 3)
- `paragraph`: `text`
- `figures`: `items`, each `{key, label, value, unit, before?}`
- `table`: `key`, `title`, `columns`, `units` (one per column), `rows`, `total?`, `chart?` (`series`: column indexes)
- `narrative`: `slot`, `label`; the text comes from the edition's narrative
- `note`: `text`, a remark beside the figures, e.g. in place of the blocks a reader's role does not include

Every block also holds `permission`, the one its reader needs (e.g. `finance.view_allocation`): the
readers' reads (`reports.selectors`) leave out what a reader's role does not include.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

Text = str | dict[str, Any]


def msgid_of(message: str | Promise) -> str:
    """The English msgid of a (lazy) translatable string."""
    with translation.override(None):
        return str(message)


def T(message: str | Promise, **params: Any) -> dict[str, Any]:
    """A translatable text with its parameters (numbers, data strings or other `T`s)."""
    return {"t": msgid_of(message), "p": params} if params else {"t": msgid_of(message)}


def number(value: Decimal | int | None) -> int | str | None:
    """A number as the content keeps it: ints as ints, Decimals as exact strings."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        raise TypeError("Report figures are never floats.")
    return str(value)


def raw_number(value: Any) -> int | Decimal | None:
    """A content value back as a number (None when it is not one)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return None
    return None


def format_number(value: int | Decimal) -> str:
    """A number in the active language's notation (decimal comma in Latvian and Russian), no grouping."""
    if isinstance(value, int):
        return str(value)
    places = max(-value.as_tuple().exponent, 0)  # type: ignore[operator]
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=False)


UNITS = {"%": " %", "EUR": " EUR", "FTE": "", "": "", "pp": " pp"}


def format_value(value: Any, unit: str = "") -> str:
    """One figure as text, the same in every renderer: 3770, 5,63 %, 517142,88 EUR, 3,221."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return render_text(value)
    numeric = raw_number(value)
    if numeric is None:
        return str(value)
    return format_number(numeric) + UNITS.get(unit, f" {unit}")


def format_change(value: Any, unit: str = "") -> str:
    """A difference with its sign: +61, -27, 0."""
    numeric = raw_number(value)
    if numeric is None:
        return ""
    sign = "+" if numeric > 0 else ("-" if numeric < 0 else "")
    return sign + format_value(number(abs(numeric)), unit)  # type: ignore[arg-type]


def render_text(value: Text | int | None) -> str:
    """A stored text in the active language: msgids translated, parameters filled in."""
    if value is None:
        return ""
    if isinstance(value, dict) and "t" in value:
        message = gettext(value["t"])
        params = value.get("p")
        if not params:
            return message
        return message % {name: _param(param) for name, param in params.items()}
    return str(value)


def _param(value: Any) -> str:
    if isinstance(value, dict):
        return render_text(value)
    if isinstance(value, list):
        return ", ".join(_param(item) for item in value)
    return format_value(value)


def text_key(value: Text) -> str:
    """A language-independent key of a text (its msgid or the data string), for comparisons."""
    if isinstance(value, dict):
        return str(value.get("t", ""))
    return str(value)

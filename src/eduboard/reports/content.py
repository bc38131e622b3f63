"""The report's content as plain, JSON-ready data, and how it is turned into text in one language.

A report is built once as data (sections of blocks holding figures and tables), so that a published
edition can be frozen as JSON and rendered later in any language. Words are stored as their English
msgid (`T(...)`, `N(...)` for a text whose form follows a number, `P`/`NP` with a context) and translated
when rendered; dates as `D(...)` and numbers with a unit as `V(...)`, written in the language's form;
data (institution names, codes) is stored as a plain string, and data kept in three languages (core.translated)
as `L(record)`. Numbers are ints or decimal strings ("5.63"), never floats, and are formatted by one function
(`format_value`) for the page, PDF and DOCX; the XLSX gets the same numbers as numbers.

Blocks (`type`):
- `heading`: `text`, `level` (2 or 3)
- `paragraph`: `text`, e.g. a sentence written from the figures (`reports.sentences`)
- `figures`: `items`, each `{key, label, value, unit, before?}`
- `table`: `key`, `title`, `columns`, `units` (one per column), `rows`, `total?`, `chart?` (`series`: column indexes)
- `narrative`: `slot`, `label`; the text comes from the edition's narrative
- `note`: `text`, a remark beside the figures, e.g. in place of the blocks a reader's role does not include

Every block also holds `permission`, the one its reader needs (e.g. `finance.view_allocation`): the
readers' reads (`reports.selectors`) leave out what a reader's role does not include.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from eduboard.core.translated import FALLBACK, TEXT_LANGUAGES, current_language, text_in

Text = str | dict[str, Any]


def msgid_of(message: str | Promise) -> str:
    """The English msgid of a (lazy) translatable string."""
    with translation.override(None):
        return str(message)


def T(message: str | Promise, **params: Any) -> dict[str, Any]:
    """A translatable text with its parameters (numbers, data strings or other `T`s)."""
    return {"t": msgid_of(message), "p": params} if params else {"t": msgid_of(message)}


def N(singular: str, plural: str, count: Decimal | int, **params: Any) -> dict[str, Any]:
    """A text whose form follows a number (`count`, also the parameter %(count)s): "1 bērns", "2 bērni",
    "21 bērns"; the forms come from the catalogue's plural rule (Latvian 3, Russian 4). The msgids are found by
    `makemessages` (keyword N:1,2, see core.management.commands.makemessages)."""
    return {"t": singular, "pl": plural, "p": {"count": number(count), **params}}


def NP(context: str, singular: str, plural: str, count: Decimal | int, **params: Any) -> dict[str, Any]:
    """`N` with a context, for the same words in another case ("206 grupās" beside "206 grupas")."""
    return {"c": context, **N(singular, plural, count, **params)}


def P(context: str, message: str, **params: Any) -> dict[str, Any]:
    """`T` with a context (keyword P:1c,2)."""
    return {"c": context, "t": message, "p": params} if params else {"c": context, "t": message}


def L(record: Any, field: str | None = None) -> dict[str, dict[str, str]]:
    """A record's text kept in three languages (core.translated: a subject, a criterion, a module), written when
    rendered in the report's language, the Latvian where it has no translation. `record` may also be the texts
    themselves, as a selector gives them (`core.translated.texts_of`: {"lv": …, "en": …, "ru": …})."""
    if isinstance(record, Mapping):
        latvian = str(record.get(FALLBACK) or "")
        return {"l": {code: str(record.get(code) or latvian) for code in TEXT_LANGUAGES}}
    name = field or record.translated_field
    return {"l": {code: text_in(record, name, code) for code in TEXT_LANGUAGES}}


def each_language(text: dict[str, dict[str, str]], change: Callable[[str, str], str]) -> dict[str, dict[str, str]]:
    """An `L` text with `change(language, text)` applied to its text in each language (e.g. a name lower-cased
    inside a sentence)."""
    return {"l": {code: change(code, value) for code, value in text["l"].items()}}


def joined(*parts: Text, form: str = "{} ({})") -> Text:
    """Texts kept in three languages (`L`) and plain strings put together by `form` in each language: a vacancy's
    "position (subject)". Plain strings alone stay a plain string."""
    if not any(isinstance(part, dict) and "l" in part for part in parts):
        return form.format(*parts)
    texts = [part["l"] if isinstance(part, dict) else dict.fromkeys(TEXT_LANGUAGES, str(part)) for part in parts]
    return {"l": {code: form.format(*(text[code] for text in texts)) for code in TEXT_LANGUAGES}}


def D(value: date) -> dict[str, str]:
    """A date, written when rendered in the language's form: 20.08.2024. in Latvian."""
    return {"d": value.isoformat()}


def plural_count(value: Any) -> int:
    """The number that chooses a plural form: the count itself when whole; a fraction (0,5 likmes) takes the
    form of 2 in Latvian, Russian and English alike."""
    numeric = raw_number(value)
    if numeric is None:
        return 0
    if numeric == int(numeric):
        return abs(int(numeric))
    return 2


def format_day(iso: str) -> str:
    """A date in the active language's short form, the pages' own (eduboard.formats): 20.08.2024. in Latvian, with
    the closing dot; 20.08.2024 in Russian and English."""
    return formats.date_format(date.fromisoformat(iso), "SHORT_DATE_FORMAT")


def format_school_year(code: str) -> str:
    """A school year as the language writes it: 2024./2025. in Latvian, 2024/2025 otherwise."""
    if (translation.get_language() or "lv").startswith("lv") and "/" in code:
        return "/".join(f"{part}." for part in code.split("/"))
    return code


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


def format_number(value: int | Decimal, *, grouped: bool = False) -> str:
    """A number in the active language's notation (decimal comma in Latvian and Russian); `grouped`
    separates thousands (a no-break space in Latvian and Russian: 12 960 000,00)."""
    if isinstance(value, int) and not grouped:
        return str(value)
    places = max(-Decimal(value).as_tuple().exponent, 0)  # type: ignore[operator]
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=grouped)


def unit_text(unit: str) -> str:
    """The unit written after a number, in the active language ("p.p." for percentage points in Latvian)."""
    if unit in ("", "FTE"):
        return ""
    if unit == "%":
        return " %"
    if unit == "pp":
        return " " + pgettext("unit", "pp")
    return f" {unit}"


def format_value(value: Any, unit: str = "") -> str:
    """One figure as text, the same in every renderer: 3770, 5,63 %, 12 960 000,00 EUR, 3,221, 4,2 p.p."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return render_text(value)
    numeric = raw_number(value)
    if numeric is None:
        return str(value)
    return format_number(numeric, grouped=unit == "EUR") + unit_text(unit)


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
    if isinstance(value, dict) and "d" in value:
        return format_day(value["d"])
    if isinstance(value, dict) and "l" in value:  # data in three languages: {"l": {"lv": …, "en": …, "ru": …}}
        texts = value["l"]
        return str(texts.get(current_language()) or texts.get(FALLBACK, ""))
    if isinstance(value, dict) and "y" in value:
        return format_school_year(value["y"])
    if isinstance(value, dict) and "v" in value:  # a number with its unit: {"v": "61716.00", "u": "EUR"}
        return format_value(value["v"], value.get("u", ""))
    if isinstance(value, dict) and "t" in value:
        context, params = value.get("c"), value.get("p")
        if "pl" in value:
            count = plural_count(params.get("count") if params else 0)
            message = (
                npgettext(context, value["t"], value["pl"], count)
                if context
                else ngettext(value["t"], value["pl"], count)
            )
        else:
            message = pgettext(context, value["t"]) if context else gettext(value["t"])
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


def V(value: Any, unit: str = "") -> dict[str, Any]:
    """A number with its unit as a text's parameter (written as the figures are: 61 716,00 EUR)."""
    return {"v": number(value) if not isinstance(value, str) else value, "u": unit}


def text_key(value: Text) -> str:
    """A language-independent key of a text (its msgid, or the data string: Latvian for data kept in three
    languages, as an edition built before it was kept so has it), for comparisons."""
    if isinstance(value, dict) and "l" in value:
        return str(value["l"].get(FALLBACK, ""))
    if isinstance(value, dict):
        return str(value.get("t", value.get("d", "")))
    return str(value)

"""Tabular exports (CSV and XLSX) shared by every list page, and the rule that keeps exported text data."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

EXPORT_FORMATS = ("csv", "xlsx")

# Spreadsheet software reads a cell starting with one of these as a formula (or the start of one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Whether `value` is text that spreadsheet software would run as a formula; numbers never are."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """`value` for a CSV cell: text that looks like a formula gets a leading apostrophe, so it stays text."""
    return f"'{value}" if looks_like_formula(value) else value


def xlsx_safe(sheet: Any, value: Any) -> Any:
    """`value` for `sheet.append()`: text that looks like a formula becomes a string cell, written as it is.

    openpyxl would store a text starting with "=" as a formula; a cell of type "s" with the quote prefix
    is text to Excel and LibreOffice, even when someone edits it. Other values pass unchanged.
    """
    if not looks_like_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def xlsx_safe_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append()` with every value passed through `xlsx_safe`."""
    return [xlsx_safe(sheet, value) for value in values]


@dataclass(frozen=True)
class Column:
    """One exported column: its header and how to read the value from a row."""

    header: StrOrPromise
    value: Callable[[Any], Any]


# How a typed date cell reads in a spreadsheet: the Latvian form (20.08.2024), the value stays a date.
XLSX_DATE_FORMAT = "DD.MM.YYYY"
XLSX_DATETIME_FORMAT = "DD.MM.YYYY HH:MM:SS"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):  # a moment in the board's time zone; spreadsheets hold no time zone
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, microsecond=0)
    if isinstance(value, (int, float, str, Decimal, date)):  # amounts stay numbers and dates dates (ISO in CSV)
        return value
    return str(value)


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """A date or a moment as a typed cell with its number format; other values through `xlsx_safe`."""
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATETIME_FORMAT if isinstance(value, datetime) else XLSX_DATE_FORMAT
        return cell
    return xlsx_safe(sheet, value)


def table_response(*, filename: str, fmt: str, columns: Sequence[Column], rows: Iterable[Any]) -> HttpResponse:
    """An HTTP download of `rows` as CSV (UTF-8 with BOM, so spreadsheet software reads ā, č, ž) or XLSX."""
    headers = [str(column.header) for column in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([csv_safe(header) for header in headers])
        for row in rows:
            writer.writerow([csv_safe(_cell(column.value(row))) for column in columns])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        widths = [len(header) for header in headers]
        data = []
        for row in rows:
            values = [_cell(column.value(row)) for column in columns]
            widths = [max(width, len(str(value))) for width, value in zip(widths, values, strict=True)]
            data.append(values)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
        sheet.append(xlsx_safe_row(sheet, headers))
        for values in data:
            sheet.append([_xlsx_value(sheet, value) for value in values])
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise ValueError(f"Unknown export format: {fmt}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response

"""Tabular exports (CSV and XLSX) shared by every list page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    """One exported column: its header and how to read the value from a row."""

    header: StrOrPromise
    value: Callable[[Any], Any]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float, str, Decimal)):  # amounts stay numbers in XLSX
        return value
    return str(value)


def table_response(*, filename: str, fmt: str, columns: Sequence[Column], rows: Iterable[Any]) -> HttpResponse:
    """An HTTP download of `rows` as CSV (UTF-8 with BOM, so spreadsheet software reads ā, č, ž) or XLSX."""
    headers = [str(column.header) for column in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_cell(column.value(row)) for column in columns])
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
        sheet.append(headers)
        for values in data:
            sheet.append(values)
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

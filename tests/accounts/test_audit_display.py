"""The audit trail reads as people speak: field names and coded values by their labels, times in Riga time."""

from __future__ import annotations

import io
from collections.abc import Callable

from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution


def test_changes_show_labels_not_codes_and_times_in_the_users_zone(
    english: None, school_a: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    school_a.type = "secondary"
    school_a.save()
    school_a.type = "preschool"
    school_a.save()
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    page = board.get("/accounts/audit/", {"sort": "-timestamp"}).content.decode()
    assert "<strong>Type</strong>: Secondary school → Preschool" in page, page[page.find("<tbody>") :][:2000]
    assert "preschool</div>" not in page and "secondary →" not in page
    assert "sort_name" not in page and "search_name" not in page  # computed keys are not changes people made
    export = board.get("/accounts/audit/", {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert any("Type: Secondary school → Preschool" in str(row[5]) for row in rows[1:])
    # Riga time, not UTC, as a typed date-time cell to the second
    riga = {timezone.localtime(entry.timestamp).replace(tzinfo=None, microsecond=0) for entry in LogEntry.objects.all()}
    assert rows[1:] and all(row[0] in riga for row in rows[1:])
    assert load_workbook(io.BytesIO(export.content)).worksheets[0]["A2"].number_format == "DD.MM.YYYY HH:MM:SS"

"""The audit trail reads as people speak: field names and coded values by their labels, times in Riga time."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution

pytestmark = pytest.mark.both_databases


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


def test_an_institutions_history_reads_in_latvian_without_the_rows_pointing_at_it(
    school_a: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    """auditlog lists another table's rows pointing at a new institution ("observations: None →
    quality.Observation.None") and names its actions in English; the page shows neither."""
    school_a.name = "Jaunā vidusskola"
    school_a.save()
    page = signed_in(make_user(role=Role.BOARD_ADMIN)).get(f"/registry/institutions/{school_a.pk}/").content.decode()
    history = page[page.index('id="history"') if 'id="history"' in page else page.index("<h2>Vēsture</h2>") :]
    assert "izveide (" in history and "labošana (" in history
    assert "Nosaukums: " in history and "→ Jaunā vidusskola" in history
    assert ".None" not in history and "create" not in history and "Version" not in history

"""The record of processing (GDPR Art. 30) and the DPIA template, generated from the models: the page for the board,
the command's file."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.privacy.catalogue import CATEGORIES
from eduboard.registry.models import Learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_command_writes_every_category_with_readers_from_the_roles_and_the_dpia(demo: None, tmp_path: Path) -> None:
    out = tmp_path / "records.json"
    call_command("processing_records", "--out", str(out), "--language", "en", stdout=StringIO())
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [row["code"] for row in records["categories"]] == [category.code for category in CATEGORIES]
    absences = next(row for row in records["categories"] if row["code"] == "absences")
    assert "Institution head" in absences["readers"] and "Innovation-centre staff" not in absences["readers"]
    assert "60 months" in absences["retention"]
    assert records["dpia"]["scale"]["learners"] == Learner.objects.filter(anonymised_on__isnull=True).count()
    assert any("masked" in safeguard for safeguard in records["dpia"]["safeguards"])
    html = tmp_path / "records.html"
    call_command("processing_records", "--out", str(html), stdout=StringIO())
    assert "<table" in html.read_text(encoding="utf-8")


def test_the_page_is_the_boards(demo: None, signed_in: Callable[[User], Client]) -> None:
    board = User.objects.create_user("parvalde", role=Role.BOARD_ADMIN)
    page = signed_in(board).get(reverse("privacy:records"))
    assert page.status_code == 200
    assert page.content.decode().count("<tr>") > len(CATEGORIES)
    pdf = signed_in(board).get(reverse("privacy:records") + "?format=pdf")
    assert pdf.content.startswith(b"%PDF")
    head = User.objects.create_user("vad", role=Role.INSTITUTION_HEAD)
    assert signed_in(head).get(reverse("privacy:records")).status_code == 403

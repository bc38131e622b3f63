"""Which retention rule holds for a kind is answered once (`privacy.retention.rules_in_force`): the nightly run, the
rules' page and the record of processing read the same rule, also for a kind whose stored rule is missing (the
record of processing once said "no period applied" for it while the run applied the kind's default)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.privacy.models import RetentionRule
from eduboard.privacy.retention import KINDS
from eduboard.privacy.selectors import processing_records
from eduboard.privacy.services import retention_apply, retention_rules

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_migrations_seed_each_kinds_default_rule_applied() -> None:
    RetentionRule.objects.all().delete()  # as a flushed database is; the migrations' seeds then write the rules
    for migration in ("0002_retention_defaults", "0003_access_requests_rule"):
        importlib.import_module(f"eduboard.privacy.migrations.{migration}").seed(apps, None)
    stored = {rule.kind: (rule.months, rule.legal_ground, rule.active) for rule in RetentionRule.objects.all()}
    assert stored == {kind.code: (kind.default_months, kind.default_ground, True) for kind in KINDS}


def test_the_run_and_the_record_of_processing_read_the_same_rules_when_one_is_missing_and_one_is_off() -> None:
    board = User.objects.create_user("parvalde", role=Role.BOARD_ADMIN)
    retention_rules()  # every kind's rule stored (a flushed database has none)
    RetentionRule.objects.filter(kind="absences").delete()
    RetentionRule.objects.filter(kind="visitor_cards").update(active=False, months=7)
    # The plain definition: the stored rule, else the kind's default, applied.
    stored = {rule.kind: rule for rule in RetentionRule.objects.all()}
    expected = {
        kind.code: (
            (stored[kind.code].months, stored[kind.code].active) if kind.code in stored else (kind.default_months, True)
        )
        for kind in KINDS
    }
    assert expected["absences"] == (60, True) and expected["visitor_cards"] == (7, False)

    with translation.override("en"):
        record = processing_records(visible_to=board)
    assert {row["kind"]: (row["months"], row["active"]) for row in record["retention"]} == expected
    absences = next(row for row in record["categories"] if row["code"] == "absences")
    assert "60 months" in absences["retention"] and "no period applied" not in absences["retention"]
    cards = next(row for row in record["categories"] if row["code"] == "visitor_cards")
    assert cards["retention"] == "no period applied"

    ran = retention_apply(viewer=board, today=date(2030, 1, 1), dry_run=True)["by_kind"]
    assert set(ran) == {code for code, (_months, active) in expected.items() if active}
    # The run stored the missing rule as the page shows it, and it is the one the record read.
    assert {kind.code: (rule.months, rule.active) for kind, rule in retention_rules()} == expected
    assert RetentionRule.objects.filter(kind="absences", months=60, active=True).exists()


def test_the_rules_page_lists_every_kind_with_the_rule_that_holds_also_one_not_stored(
    signed_in: Callable[[User], Client],
) -> None:
    board = User.objects.create_user("parvalde-lapa", role=Role.BOARD_ADMIN)
    retention_rules()
    RetentionRule.objects.filter(kind="absences").delete()
    page = signed_in(board).get(reverse("privacy:retention"))
    assert page.status_code == 200
    text = page.content.decode()
    for kind in KINDS:
        assert f"<code>{kind.code}</code>" in text
    absences = RetentionRule.objects.get(kind="absences")  # stored from the kind's defaults, so it can be edited
    assert (absences.months, absences.active) == (60, True)
    assert reverse("privacy:rule_edit", args=[absences.pk]) in text

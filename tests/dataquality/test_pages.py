"""The data-quality pages as people use them: a head sees their own school's findings with a link to fix each,
never another school's; the board sees every institution's, per institution and over time, starts a run and edits
a rule (a stale edit refused with what was typed kept); the checks run after an import by themselves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.dataquality.models import CheckRun, DataIssue, QualityRule
from eduboard.dataquality.services import data_check_run
from eduboard.registry.boards import Board
from eduboard.registry.importers import LearnerImporter
from eduboard.registry.models import Institution
from tests.dataquality.test_checks import AS_OF, CODES, enrol, group, learner
from tests.imports_helpers import run_import_command, write_csv

COLUMNS = [column for column in LearnerImporter.columns if column != "leaving_reason"]

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def two_schools(school_a: Institution, school_b: Institution) -> tuple[Institution, Institution]:
    enrol(learner("Anna", "Ozola", date(2020, 3, 1)), group(school_a, level="basic", grade=1, name="1.a"))
    enrol(learner("Pēteris", "Lauks", date(2012, 5, 5)), group(school_b, level="preschool", grade=None, name="Rūķi"))
    data_check_run(board=Board.objects.get(pk=school_a.board_id), as_of=AS_OF)
    return school_a, school_b


def test_a_head_sees_their_schools_findings_with_a_link_to_fix_and_not_another_schools(
    two_schools: tuple[Institution, Institution],
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    a, b = two_schools
    head = signed_in(make_user(Role.INSTITUTION_HEAD, [a]))
    page = head.get(reverse("dataquality:issues"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anna Ozola" in text and "Pēteris Lauks" not in text
    anna = DataIssue.objects.get(institution=a)
    assert f'href="{anna.url}"' in text
    export = head.get(reverse("dataquality:issues"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "Anna Ozola" in body and "Pēteris Lauks" not in body
    # B's findings are not reached by asking for B: the filter offers only the head's institutions.
    asked = head.get(reverse("dataquality:issues"), {"institution": b.pk})
    assert "Pēteris Lauks" not in asked.content.decode()
    # A head reads the rules, and neither changes them nor starts a run.
    assert head.get(reverse("dataquality:rules")).status_code == 200
    rule = QualityRule.objects.get(board_id=a.board_id, code="age_outside_grade")
    assert head.get(reverse("dataquality:rule_edit", args=[rule.pk])).status_code == 403
    assert head.post(reverse("dataquality:run")).status_code == 403


def test_the_board_sees_every_school_per_institution_and_the_counts_over_time(
    two_schools: tuple[Institution, Institution],
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    analyst = signed_in(make_user(Role.BOARD_ANALYST))
    text = analyst.get(reverse("dataquality:issues")).content.decode()
    assert "Anna Ozola" in text and "Pēteris Lauks" in text
    assert "age_outside_grade" in text  # the counts by rule, and the runs' history by code
    page = analyst.get(reverse("dataquality:issues"), {"rule": "age_outside_grade"})
    assert len(page.context["object_list"]) == 2
    assert [row["errors"] + row["warnings"] for row in page.context["per_institution"]] == [1, 1]
    assert [entry["run"].by_rule["age_outside_grade"] for entry in page.context["history"]] == [2]


def test_the_board_edits_a_rule_and_a_stale_edit_is_refused_with_what_was_typed(
    two_schools: tuple[Institution, Institution],
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    a, _b = two_schools
    admin = signed_in(make_user(Role.BOARD_ADMIN))
    rule = QualityRule.objects.get(board_id=a.board_id, code="age_outside_grade")
    form = {
        "severity": "error",
        "threshold": "3",
        "active": "on",
        "text": "{learner}: vecums {age}.",
        "text_en": "{learner}: aged {age}.",
        "text_ru": "",
        "version": rule.version,
    }
    assert admin.post(reverse("dataquality:rule_edit", args=[rule.pk]), form).status_code == 302
    rule.refresh_from_db()
    assert (rule.severity, rule.threshold, rule.text) == ("error", 3, "{learner}: vecums {age}.")
    stale = admin.post(reverse("dataquality:rule_edit", args=[rule.pk]), {**form, "threshold": "4"})
    assert stale.status_code == 200
    assert stale.context["form"]["threshold"].value() == "4"
    assert stale.context["form"].non_field_errors()
    rule.refresh_from_db()
    assert rule.threshold == 3
    # The FTE rule's threshold is the board's limit, set on the board's page only.
    fte = QualityRule.objects.get(board_id=a.board_id, code="fte_over_limit")
    refused = admin.post(
        reverse("dataquality:rule_edit", args=[fte.pk]),
        {**form, "threshold": "2", "version": fte.version, "severity": "warning"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["threshold"]
    # The rules page shows each rule's threshold as it is checked: the FTE rule's is the board's limit.
    shown = {row["rule"].code: row["checked_with"] for row in admin.get(reverse("dataquality:rules")).context["rows"]}
    assert shown["age_outside_grade"] == 3
    assert shown["fte_over_limit"] == Board.objects.get(pk=a.board_id).fte_warning_limit
    # A run started from the page uses the new threshold: 3 years off is allowed now, 5 are not.
    assert admin.post(reverse("dataquality:run"), {"as_of": "15.10.2024"}).status_code == 302  # not ISO: refused
    assert not CheckRun.objects.filter(trigger="page").exists()
    assert admin.post(reverse("dataquality:run"), {"as_of": AS_OF.isoformat()}).status_code == 302
    run = CheckRun.objects.latest("pk")
    assert (run.trigger, run.by_rule["age_outside_grade"]) == ("page", 1)
    assert DataIssue.objects.get(rule="age_outside_grade").severity == "error"


def test_the_checks_run_by_themselves_after_an_import(settings: Any, tmp_path: Path, school_a: Institution) -> None:
    settings.DATA_CHECK_AFTER_IMPORT = True
    group(school_a, level="basic", grade=1, name="1.a")
    code = CODES.for_birth_date(date(2020, 3, 1))
    row = [code, "Anna", "Ozola", "2020-03-01", "Daugavpils", "9000000011", "2024/2025", "1.a", "2024-09-02", ""]
    assert (
        run_import_command("import_registry", "learners", str(write_csv(tmp_path / "l.csv", COLUMNS, [row]))).status
        == 0
    )
    run = CheckRun.objects.get()
    assert run.trigger == "import"
    # run on the day of the import: today, in a later school year, the grade-1 group of 2024/2025 is past
    assert set(run.by_rule) == set(
        QualityRule.objects.filter(board_id=school_a.board_id).values_list("code", flat=True)
    )
    settings.DATA_CHECK_AFTER_IMPORT = False
    row[0] = CODES.for_birth_date(date(2017, 3, 1))
    row[3] = "2017-03-01"
    assert (
        run_import_command("import_registry", "learners", str(write_csv(tmp_path / "m.csv", COLUMNS, [row]))).status
        == 0
    )
    assert CheckRun.objects.count() == 1  # off: no run

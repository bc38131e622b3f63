"""One default day: on the demonstration data (the school year 2024/2025, whatever today is) every command, page and
background run that takes a day and is not given one reads the day the pages open on
(`registry.selectors.default_as_of`), not today: check_data (and its nightly run), the data-quality page's run, the
run after an import, load_demo's checks, export_oneroster and the OneRoster page. The prevention figures read the
prevention pages' own day (`prevention.selectors.default_as_of`). Today stays where today is meant (docs/operations.md):
lateness (census_reminders, check_data --census, quality_stats self_assessment), the heads in office (quality_stats
heads), retention (apply_retention), competitions held so far (issue_credentials), a request's day (subject_access).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_code_for
from eduboard.core.scope import WHOLE_CITY
from eduboard.dataquality.choices import Trigger
from eduboard.dataquality.models import CheckRun
from eduboard.dataquality.services import data_check_after_import
from eduboard.prevention import selectors as prevention_selectors
from eduboard.registry.models import Enrolment, Group
from eduboard.registry.selectors import default_as_of

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def day(demo: None, db: None) -> date:
    """The day the demonstration data's pages open on (each test's own changes roll back to the data)."""
    opened_on = default_as_of()
    assert opened_on < timezone.localdate()  # the demonstration's year is past: today would find nothing
    assert Enrolment.objects.holding_on(opened_on).exists()
    assert not Group.objects.filter(school_year__code=school_year_code_for(timezone.localdate())).exists()
    return opened_on


def latest_run(trigger: str) -> CheckRun:
    return CheckRun.objects.filter(trigger=trigger).latest("pk")


def test_check_data_reads_the_pages_day_and_says_when_a_day_has_no_learner(day: date) -> None:
    err = StringIO()
    call_command("check_data", "--json", stdout=StringIO(), stderr=err)
    assert latest_run(Trigger.COMMAND).as_of == day
    assert err.getvalue() == ""  # the learners of 2024/2025 were checked
    today = timezone.localdate()
    call_command("check_data", "--as-of", today.isoformat(), stdout=StringIO(), stderr=err)
    assert err.getvalue() == (
        f"No learner is enrolled on {today.isoformat()}: the rules that read enrolments had nothing to check (the "
        f"pages show {day.isoformat()}; choose the day with --as-of).\n"
    )


def test_the_nightly_check_reads_the_pages_day_when_it_runs(day: date) -> None:
    call_command("check_data", "--enqueue", stdout=StringIO())  # tests run tasks at once
    assert latest_run(Trigger.NIGHTLY).as_of == day


def test_load_demos_checks_read_the_pages_day(day: date) -> None:
    call_command("load_demo", stdout=StringIO())
    assert latest_run(Trigger.COMMAND).as_of == day


def test_the_data_quality_pages_run_reads_the_pages_day(
    day: date, make_user: Callable[..., User], signed_in: Callable[[User], Any]
) -> None:
    admin = signed_in(make_user(Role.BOARD_ADMIN))
    page = admin.get(reverse("dataquality:issues"))
    assert f'name="as_of" value="{day.isoformat()}"' in page.content.decode()
    assert admin.post(reverse("dataquality:run")).status_code == 302
    assert latest_run(Trigger.PAGE).as_of == day


def test_the_run_after_an_import_reads_the_pages_day(
    day: date, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DATA_CHECK_AFTER_IMPORT = True
    with django_capture_on_commit_callbacks(execute=True):
        data_check_after_import(viewer=WHOLE_CITY)
    assert latest_run(Trigger.IMPORT).as_of == day


def test_export_oneroster_writes_the_pages_day(day: date, tmp_path: Path) -> None:
    out = StringIO()
    call_command("export_oneroster", "--out", str(tmp_path), stdout=out)
    assert f"as of {day.isoformat()}" in out.getvalue()
    with (tmp_path / "enrollments.csv").open(encoding="utf-8", newline="") as enrolments:
        assert sum(1 for row in csv.DictReader(enrolments) if row["role"] == "student") > 0
    with (tmp_path / "academicSessions.csv").open(encoding="utf-8", newline="") as sessions:
        assert [row["title"] for row in csv.DictReader(sessions)] == ["2024/2025"]


def test_the_oneroster_page_offers_the_pages_day(
    day: date, make_user: Callable[..., User], signed_in: Callable[[User], Any]
) -> None:
    admin = signed_in(make_user(Role.BOARD_ADMIN))
    assert admin.get(reverse("exchange:oneroster")).context["form"]["as_of"].value() == day


def test_prevention_stats_reads_the_prevention_pages_day(day: date) -> None:
    page_day = prevention_selectors.default_as_of(visible_to=WHOLE_CITY, today=timezone.localdate())

    def stats(*args: str) -> dict[str, Any]:
        out = StringIO()
        call_command("prevention_stats", *args, stdout=out)
        return dict(json.loads(out.getvalue()))

    by_default = stats()
    assert by_default == stats("--as-of", page_day.isoformat())
    assert by_default != stats("--as-of", timezone.localdate().isoformat())  # today finds no one at risk

"""Retention as data: on a copy of the demonstration data moved ten years ahead, `apply_retention` removes what the
rules say (counted here from the rules' words), a second run finds nothing, and the published report edition shows
the same figures; with the learners' period shortened, the people go and the counts stay."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets.models import Loan
from eduboard.centre.models import Booking, Card
from eduboard.core.dates import add_months
from eduboard.core.models import SchoolYear
from eduboard.core.scope import WHOLE_CITY
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.privacy.models import RetentionRule
from eduboard.privacy.services import retention_rules
from eduboard.registry.models import Enrolment, Learner
from eduboard.registry.selectors import reporting_school_year
from eduboard.reports import services as report_services
from eduboard.reports.models import ReportEdition
from eduboard.reports.readiness import build_readiness
from eduboard.surveys.models import AccessCode

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2025, 1, 31)  # a day of the demonstration data's school year


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("apply_retention", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def months(kind: str) -> int:
    return RetentionRule.objects.get(kind=kind).months


def before(today: date, kind: str) -> date:
    return add_months(today, -months(kind))


def published_edition() -> ReportEdition:
    board = User.objects.create_user("izdevejs", role=Role.BOARD_ADMIN)
    year = reporting_school_year(as_of=AS_OF)
    assert isinstance(year, SchoolYear)
    edition = report_services.edition_create(school_year=year, as_of=AS_OF, viewer=board)
    return report_services.edition_publish(edition_id=edition.pk, version=edition.version, viewer=board)


def test_ten_years_ahead_the_rules_remove_their_rows_and_the_published_edition_keeps_its_figures(demo: None) -> None:
    edition = published_edition()
    frozen = json.dumps(edition.content, sort_keys=True, default=str)
    today = add_months(date.today(), 120)
    expected = {
        "enrolments": 0,  # 75 years: no learner of the demonstration data is past it
        "absences": Absence.objects.filter(date__lt=before(today, "absences")).count(),
        "term_results": TermResult.objects.filter(school_year__end_date__lt=before(today, "term_results")).count(),
        "support_plans": SupportPlan.objects.filter(
            Q(review_on__lt=before(today, "support_plans"))
            | Q(review_on__isnull=True, started_on__lt=before(today, "support_plans"))
        ).count(),
        "device_loans": Loan.objects.filter(
            learner__isnull=False, returned_on__lt=before(today, "device_loans")
        ).count(),
        "booking_contacts": Booking.objects.filter(slot__date__lt=before(today, "booking_contacts")).count(),
        "visitor_cards": Card.objects.filter(issued_on__lt=before(today, "visitor_cards")).count(),
        "survey_codes": AccessCode.objects.filter(survey__closes_on__lt=before(today, "survey_codes")).count(),
    }
    assert expected["absences"] and expected["term_results"] and expected["survey_codes"], "the demo has such rows"
    list_read = LogEntry.objects.create(  # a list page's read: no "what" in its data, deleted like any entry
        content_type=ContentType.objects.get_for_model(Learner),
        object_pk="",
        object_repr="list of learners",
        action=LogEntry.Action.ACCESS,
        additional_data={"read": "bulk", "rows": 25},
    )
    dry = run("--dry-run", "--today", today.isoformat())
    assert {kind: dry["by_kind"][kind] for kind in expected} == expected
    assert Absence.objects.count() >= expected["absences"] > 0  # a dry run changes nothing
    done = run("--today", today.isoformat())
    assert {kind: done["by_kind"][kind] for kind in expected} == expected
    assert done == dry  # the run deletes quietly: no entry per deleted row that the audit kind would then count
    assert Absence.objects.filter(date__lt=before(today, "absences")).count() == 0
    assert not LogEntry.objects.filter(pk=list_read.pk).exists()
    assert not SupportPlan.objects.filter(review_on__lt=before(today, "support_plans")).exclude(measures="").exists()
    assert not Booking.objects.filter(slot__date__lt=before(today, "booking_contacts")).exclude(email="").exists()
    assert {kind: rows for kind, rows in run("--today", today.isoformat())["by_kind"].items() if rows} == {}
    assert LogEntry.objects.filter(additional_data__what__startswith="retention absences").exists()
    edition.refresh_from_db()
    assert json.dumps(edition.content, sort_keys=True, default=str) == frozen


def test_past_the_learners_period_the_people_go_and_the_counts_stay(demo: None) -> None:
    today = add_months(date.today(), 120)
    retention_rules()  # every kind's rule stored (a test that committed may have emptied the table)
    RetentionRule.objects.filter(kind="enrolments").update(months=12)
    RetentionRule.objects.exclude(kind="enrolments").update(active=False)  # the learners' rule alone
    figures = json.dumps(build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY)["sections"], sort_keys=True, default=str)
    cutoff = before(today, "enrolments")
    gone = [  # the rule's words: every place left and every application closed before the cut-off, no device out
        learner
        for learner in Learner.objects.prefetch_related("enrolments", "queue_entries", "loans")
        if (learner.enrolments.all() or learner.queue_entries.all())
        and all(e.left_on is not None and e.left_on < cutoff for e in learner.enrolments.all())
        and all(
            q.status not in ("waiting", "offered") and q.status_changed_on is not None and q.status_changed_on < cutoff
            for q in learner.queue_entries.all()
        )
        and all(loan.returned_on is not None for loan in learner.loans.all())
    ]
    names = {learner.pk: (learner.personal_code, learner.last_name) for learner in gone}
    assert names, "ten years ahead, every demonstration learner who has left is past a year's period"
    rows = Enrolment.objects.filter(learner__in=list(names)).count()
    assert run("--today", today.isoformat())["by_kind"]["enrolments"] == rows
    for learner in Learner.objects.filter(pk__in=list(names)):
        assert learner.anonymised_on == today
        assert learner.personal_code != names[learner.pk][0] and learner.first_name == ""
    assert Learner.objects.filter(anonymised_on__isnull=False).count() == len(names)
    assert Learner.objects.filter(enrolments__left_on__isnull=True, anonymised_on__isnull=False).count() == 0
    after = json.dumps(build_readiness(as_of=AS_OF, visible_to=WHOLE_CITY)["sections"], sort_keys=True, default=str)
    assert after == figures


def test_the_board_edits_a_rule_and_a_head_may_not(demo: None, signed_in: Callable[[User], Client]) -> None:
    rule = RetentionRule.objects.get(kind="absences")
    head = User.objects.create_user("vad", role=Role.INSTITUTION_HEAD)
    assert signed_in(head).get(reverse("privacy:retention")).status_code == 403
    board = User.objects.create_user("parv", role=Role.BOARD_ADMIN)
    client = signed_in(board)
    page = client.get(reverse("privacy:retention"))
    assert page.status_code == 200 and rule.legal_ground in page.content.decode()
    url = reverse("privacy:rule_edit", args=[rule.pk])
    empty = client.post(url, {"months": 36, "legal_ground": " ", "active": "on", "version": rule.version})
    assert empty.status_code == 200
    rule.refresh_from_db()
    assert rule.months == 60
    client.post(url, {"months": 36, "legal_ground": "MK not. Nr. 89", "active": "on", "version": rule.version})
    rule.refresh_from_db()
    assert (rule.months, rule.legal_ground) == (36, "MK not. Nr. 89")
    assert signed_in(head).post(url, {"months": 1, "legal_ground": "x", "version": rule.version}).status_code == 403

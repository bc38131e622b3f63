"""The anonymised record that is not corrected; the retention command's plain output and its nightly
hand-over to a worker; the commands' refusals."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.dates import add_months
from eduboard.privacy.models import AccessRequest, RetentionRule
from eduboard.privacy.retention import KINDS
from eduboard.privacy.services import retention_rules
from eduboard.registry.models import Learner, LearnerCorrection

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_an_anonymised_record_is_not_edited_and_its_page_says_why(
    demo: None, signed_in: Callable[[User], Client]
) -> None:
    from datetime import date

    retention_rules()  # every kind's rule stored (a test that committed may have emptied the table)
    RetentionRule.objects.filter(kind="enrolments").update(months=1)
    RetentionRule.objects.exclude(kind="enrolments").update(active=False)
    left = Learner.objects.exclude(enrolments__left_on__isnull=True).filter(enrolments__isnull=False).first()
    assert left is not None
    asked = AccessRequest.objects.create(learner=left, requester="Vecāks", answer={"learner": {"last_name": "X"}})
    call_command("apply_retention", "--today", add_months(date.today(), 240).isoformat(), stdout=StringIO())
    asked.refresh_from_db()
    assert (asked.answer, asked.requester) == ({}, "")  # the copy of the answer went with the person
    learner = Learner.objects.filter(anonymised_on__isnull=False).first()
    assert learner is not None and learner.last_name == "Anonimizēts"
    board = User.objects.create_user("lab", role=Role.BOARD_ADMIN)
    client = signed_in(board)
    page = client.get(f"/registry/learners/{learner.pk}/").content.decode()
    assert f"/registry/learners/{learner.pk}/correct/" not in page
    refused = client.post(
        f"/registry/learners/{learner.pk}/correct/",
        {
            "personal_code": "010101-10006",
            "first_name": "Atjaunots",
            "last_name": "Vārds",
            "birth_date": learner.birth_date.isoformat(),
            "reason": "mēģinājums",
            "version": learner.version,
        },
    )
    assert refused.status_code == 200
    learner.refresh_from_db()
    assert learner.first_name == "" and not LearnerCorrection.objects.filter(learner=learner).exists()


def test_the_plain_output_names_each_kind_and_enqueue_hands_the_run_to_a_worker(demo: None) -> None:
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    kinds = [line.split()[0] for line in out.getvalue().splitlines()]
    applied = set(RetentionRule.objects.filter(active=True).values_list("kind", flat=True))
    assert kinds == [kind.code for kind in KINDS if kind.code in applied]
    queued = StringIO()
    call_command("apply_retention", "--enqueue", stdout=queued)  # the tests' task backend runs it at once
    assert "queued" in queued.getvalue()


def test_subject_access_refuses_an_unknown_code(demo: None, tmp_path: object) -> None:
    with pytest.raises(CommandError, match="No learner"):
        call_command("subject_access", "--personal-code", "010101-10006", "--out", "/dev/null", stdout=StringIO())

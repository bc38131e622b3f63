"""A correction through the API: a board administrator's edit of a learner's name is recorded as a correction, with
its old and new value, its reason, who made it and that it came through the API."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import CorrectionVia, Learner, LearnerCorrection
from tests.registry.world import build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_an_api_edit_of_a_name_is_a_correction_with_its_reason(signed_in: Callable[[User], Client]) -> None:
    build_world(pupils=1)
    learner = Learner.objects.filter(enrolments__left_on__isnull=True).order_by("pk").first()
    assert learner is not None
    board = User.objects.create_user("api", role=Role.BOARD_ADMIN)
    client = signed_in(board)
    answer = client.patch(
        f"/api/registry/learners/{learner.pk}/",
        json.dumps(
            {"first_name": f"{learner.first_name}-Marija", "version": learner.version, "correction_reason": "pase"}
        ),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    correction = LearnerCorrection.objects.get(learner=learner)
    assert (correction.field, correction.old_value, correction.new_value) == (
        "first_name",
        learner.first_name,
        f"{learner.first_name}-Marija",
    )
    assert (correction.by, correction.reason, correction.via) == (board, "pase", CorrectionVia.API)

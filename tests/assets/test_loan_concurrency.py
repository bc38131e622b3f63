"""A device is never on two open loans at once, even when two people lend it at the same moment (PostgreSQL: two
requests in their own threads and connections; the database's partial unique index decides)."""

from __future__ import annotations

import json
import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from eduboard.accounts.roles import Role
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, Loan
from eduboard.registry.models import Learner
from tests.factories import UserFactory
from tests.registry.world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_databases]


def race(clients: list[Any], pupils: list[Learner]) -> list[Any]:
    """Both clients lend CB-1 at the same moment, each to its own pupil, in its own thread and connection."""
    start = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def lend(index: int) -> None:
        try:
            start.wait()
            body = {"asset": "CB-1", "learner": pupils[index].pk, "lent_on": "2024-09-02"}
            answers[index] = clients[index].post(
                "/api/assets/loans/", json.dumps(body), content_type="application/json"
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lend, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.skipif(connection.vendor != "postgresql", reason="truly concurrent writers: PostgreSQL")
def test_two_people_lending_one_device_at_once_get_one_loan_and_one_clear_refusal() -> None:
    from tests.accounts.matrix_world import sign_in

    ensure_standard_kinds()
    world = build_world(pupils=2)
    Asset.objects.create(
        inventory_number="CB-1", kind=AssetKind.objects.get(code="chromebook"), institution=world.school
    )
    head = UserFactory(username="race-head", role=Role.INSTITUTION_HEAD, institutions=[world.school])
    pupils = list(Learner.objects.filter(last_name__startswith="Zinātne").order_by("pk"))
    clients = [sign_in(head), sign_in(head)]
    for _round in range(5):
        Loan.objects.all().delete()
        Asset.objects.update(status="in_stock")
        answers = race(clients, pupils)
        assert sorted(answer.status_code for answer in answers) == [201, 400], [a.content for a in answers]
        refused = next(answer for answer in answers if answer.status_code == 400)
        assert "open loan" in refused.content.decode()
        assert Loan.objects.filter(returned_on__isnull=True).count() == 1
    assert date(2024, 9, 2) == Loan.objects.get().lent_on

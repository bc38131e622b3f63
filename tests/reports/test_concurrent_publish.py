"""Two board members publish one edition at the same moment: one wins, the other is told; nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.reports import services
from eduboard.reports.models import EditionStatus, ReportEdition

pytestmark = pytest.mark.both_databases


@pytest.mark.django_db(transaction=True)
def test_two_publishers_at_once_one_wins_and_the_other_is_told(make_user: Callable[..., User]) -> None:
    first, second = make_user(Role.BOARD_ADMIN), make_user(Role.BOARD_ADMIN)
    year = school_year_get_or_create(code="2024/2025")
    edition = services.edition_create(school_year=year, as_of=date(2024, 10, 1), viewer=first)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def publish(who: User) -> None:
        try:
            start.wait()
            services.edition_publish(edition_id=edition.pk, version=edition.version, viewer=who)
            outcomes[who.username] = "published"
        except ValidationError as refusal:
            outcomes[who.username] = " ".join(refusal.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(who,)) for who in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes.values()).count("published") == 1, outcomes
    (told,) = [message for message in outcomes.values() if message != "published"]
    assert told  # a message for the one who lost, not a server error
    stored = ReportEdition.objects.get(pk=edition.pk)
    assert stored.status == EditionStatus.PUBLISHED
    winner = next(name for name, outcome in outcomes.items() if outcome == "published")
    assert stored.published_by is not None and stored.published_by.username == winner

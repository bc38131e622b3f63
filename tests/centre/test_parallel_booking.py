"""Capacity under parallel HTTP requests on PostgreSQL: twelve teachers post a booking for the same slot at the same
moment through the public page; the slot never holds more than its places and every refusal says it is full."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from typing import Any

import pytest
from django.db import connection

from eduboard.centre.models import Booking, Slot
from tests.centre.test_innovation import make_centre, make_slot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_databases]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_parallel_booking_requests_never_overbook_a_slot(live_server: Any, settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel requests are tested on PostgreSQL (SQLite serialises every write)")
    settings.CENTRE_BOOKINGS_PER_HOUR = 1000
    settings.CENTRE_DAY_SHARE_PERCENT = 100  # the slot's capacity, not the page's share of the day, is tested here
    slot = make_slot(make_centre(), places=30)
    url = f"{live_server.url}/centre/lv/slots/{slot.pk}/book/"
    statuses: list[int] = []
    lock = threading.Lock()
    ready = threading.Barrier(12)

    def teacher(number: int) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())
        token = TOKEN.search(opener.open(url, timeout=30).read().decode())
        assert token is not None
        data = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token.group(1), "school_name": f"Skola {number}", "municipality": "Novads",
            "contact_name": "Anna", "email": f"t{number}@example.lv", "phone": "1", "group_size": "7", "grade": "5",
            "language": "lv", "action": "book",
        }).encode()  # fmt: skip
        ready.wait()
        try:
            request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310 - the live server
            status = opener.open(request, timeout=60).status
        except urllib.error.HTTPError as error:
            status = error.code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=teacher, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] * 4 + [409] * 8  # 4 groups of 7 fit in 30 places
    assert Slot.objects.get(pk=slot.pk).booked == 28 == sum(Booking.objects.values_list("group_size", flat=True))

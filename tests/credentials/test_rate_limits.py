"""The credentials' public pages are rate limited per address block (an IPv6 /64, an IPv4 /24): a block checks a
few holders' names an hour, not 30 in a second; its verifications and its opened credential pages are limited too;
another block is not kept out, and the issuer's keys, which verifiers fetch, are not limited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from eduboard.credentials.models import Credential
from eduboard.credentials.public_views import CREDENTIAL_CHECKS_PER_HOUR, CREDENTIAL_NAME_CHECKS_PER_HOUR
from tests.credentials.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

GUESSES = ["Anna Kalna", "Anna Ozola", "Anna Bērziņa", "Anna Liepiņa", "Anna Kļaviņa", "Anna Krūmiņa"] * 5


@pytest.fixture
def credential(world: World) -> Credential:
    found = Credential.objects.filter(participant__name="Anna Liepa").first()
    assert found is not None
    return found


def check_name(address: str, credential: Credential, name: str) -> tuple[int, str]:
    answer = Client(REMOTE_ADDR=address).post(
        reverse("centre_credential_verify", args=["en"]), {"credential": credential.jwt, "name": name}
    )
    return answer.status_code, answer.content.decode()


def test_thirty_holder_name_guesses_from_one_address_get_ten_answers(credential: Credential) -> None:
    assert CREDENTIAL_NAME_CHECKS_PER_HOUR == 10  # the documented default
    answers = [check_name("198.51.100.7", credential, name) for name in GUESSES]
    assert [status for status, _text in answers] == [200] * 10 + [429] * 20
    assert all("is not the holder" in text for _status, text in answers[:10])
    assert all("Too many names checked" in text for _status, text in answers[10:])
    # Past the limit the page says nothing of any name, the right one included (this 31st check is also past the
    # block's 30 verifications).
    status, text = check_name("198.51.100.7", credential, "Anna Liepa")
    assert status == 429 and "Too many checks" in text
    assert "The name you typed is the holder" not in text and "is not the holder" not in text
    # Another network is not kept out.
    status, text = check_name("192.0.2.8", credential, "Anna Liepa")
    assert status == 200 and "The name you typed is the holder" in text


def test_addresses_of_one_ipv6_64_share_its_limit(credential: Credential) -> None:
    statuses = [check_name(f"2001:db8:42:7::{n + 1:x}", credential, name)[0] for n, name in enumerate(GUESSES)]
    assert statuses == [200] * 10 + [429] * 20


def test_a_block_s_verifications_are_limited(credential: Credential) -> None:
    url = reverse("centre_credential_verify", args=["lv"])
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [
        client.post(url, {"credential": credential.jwt}).status_code for _n in range(CREDENTIAL_CHECKS_PER_HOUR + 1)
    ]
    assert statuses == [200] * CREDENTIAL_CHECKS_PER_HOUR + [429]
    assert Client(REMOTE_ADDR="203.0.113.201").post(url, {"credential": credential.jwt}).status_code == 429
    assert Client(REMOTE_ADDR="203.0.114.20").post(url, {"credential": credential.jwt}).status_code == 200


def test_a_block_s_credential_pages_are_limited_but_not_the_issuer_s_keys(
    credential: Credential, settings: Any
) -> None:
    settings.CREDENTIAL_PAGES_PER_HOUR = 3
    client = Client(REMOTE_ADDR="203.0.113.30")
    pages = [
        reverse("centre_credential", args=["en", credential.key]),
        reverse("centre_credential_jwt", args=["lv", credential.key]),
        reverse("centre_credential", args=["lv", "no-such-key"]),
    ]
    assert [client.get(url).status_code for url in pages] == [200, 200, 404]
    limited = client.get(reverse("centre_credential", args=["en", credential.key]))
    assert limited.status_code == 429 and "Too many requests" in limited.content.decode()
    assert client.get(reverse("centre_credential_json", args=["en", credential.key])).status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.30").get(pages[0]).status_code == 200
    issuer = reverse("centre_credential_issuer", args=["lv", credential.centre_id])
    assert all(client.get(issuer).status_code == 200 for _n in range(5))

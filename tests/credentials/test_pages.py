"""The public pages of the verifiable certificates (no sign-in): a credential's page by its key with its downloads,
the verification of a pasted or uploaded credential, the issuer's profile with its keys and each key's JWK; the
course certificate's verification page links its credential."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.credentials import addresses
from eduboard.credentials.models import Credential, SigningKey
from tests.credentials.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def credential(world: World) -> Credential:
    found = Credential.objects.order_by("pk").first()
    assert found is not None
    return found


def test_a_credentials_page_says_it_is_valid_and_offers_its_downloads(client: Client, credential: Credential) -> None:
    page = client.get(reverse("centre_credential", args=["en", credential.key]))
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    text = page.content.decode()
    assert "This credential is valid" in text and "Robotika sākumskolas skolotājiem" in text
    assert "Anna Liepa" not in text  # the holder's name is only its hash
    signed = client.get(reverse("centre_credential_jwt", args=["lv", credential.key]))
    assert signed.status_code == 200 and signed["Content-Type"] == "application/jwt"
    assert signed.content.decode() == credential.jwt and "attachment" in signed["Content-Disposition"]
    readable = client.get(reverse("centre_credential_json", args=["ru", credential.key]))
    assert readable.status_code == 200 and readable["Content-Type"].startswith("application/ld+json")
    document = json.loads(readable.content)
    assert "OpenBadgeCredential" in document["type"] and "iss" not in document
    assert document["id"] == addresses.credential_url(credential.key)


def test_an_unknown_key_or_language_is_not_found(client: Client, credential: Credential) -> None:
    assert client.get(reverse("centre_credential", args=["lv", "no-such-key"])).status_code == 404
    assert client.get(reverse("centre_credential_jwt", args=["lv", "no-such-key"])).status_code == 404
    assert client.get(reverse("centre_credential_json", args=["en", "x" * 80])).status_code == 404
    assert client.get(reverse("centre_credential", args=["de", credential.key])).status_code == 404
    assert client.get(reverse("centre_credential_issuer", args=["lv", 999999])).status_code == 404
    assert client.get(reverse("centre_credential_key", args=["lv", "unknown"])).status_code == 404


def test_the_course_certificates_page_links_its_credential(client: Client, world: World) -> None:
    participant = world.certified[0]
    page = client.get(reverse("centre_certificate", args=["en", participant.certificate_key]))
    assert reverse("centre_credential", args=["en", participant.certificate_key]) in page.content.decode()


def test_the_issuer_and_its_keys_are_served_where_the_credential_names_them(
    client: Client, credential: Credential
) -> None:
    header = json.loads(__import__("base64").urlsafe_b64decode(credential.jwt.split(".")[0] + "==").decode())
    path = header["kid"].removeprefix("https://eduboard.example.lv")
    jwk = client.get(path)
    assert jwk.status_code == 200 and jwk["Content-Type"] == "application/jwk+json"
    assert json.loads(jwk.content) | {} == {
        **SigningKey.objects.get(kid=credential.kid).public_jwk, "kid": header["kid"], "alg": "EdDSA", "use": "sig"
    }  # fmt: skip
    issuer = client.get(reverse("centre_credential_issuer", args=["lv", credential.centre_id]))
    profile = json.loads(issuer.content)
    assert issuer.status_code == 200 and profile["id"] == addresses.issuer_url(credential.centre_id)
    assert profile["type"] == ["Profile"] and [k["kid"] for k in profile["jwks"]["keys"]] == [header["kid"]]
    assert all("d" not in key for key in profile["jwks"]["keys"])


def test_anyone_verifies_a_pasted_or_uploaded_credential_and_a_changed_one_fails(
    client: Client, credential: Credential
) -> None:
    url = reverse("centre_credential_verify", args=["en"])
    assert client.get(url).status_code == 200
    valid = client.post(url, {"credential": credential.jwt, "name": "Anna Liepa"}).content.decode()
    assert "The credential is valid" in valid and "Daugavpils Inovāciju centrs" in valid
    assert "The name you typed is the holder" in valid, valid[valid.find("<main") :]
    assert "is not the holder" in client.post(url, {"credential": credential.jwt, "name": "Eva Kalna"}).content.decode()
    upload = SimpleUploadedFile("credential.jwt", credential.jwt.encode(), content_type="application/jwt")
    assert "The credential is valid" in client.post(url, {"file": upload}).content.decode()
    header, payload, signature = credential.jwt.split(".")
    tampered = f"{header}.{payload[:-9]}{'A' if payload[-9] != 'A' else 'B'}{payload[-8:]}.{signature}"
    refused = client.post(url, {"credential": tampered}).content.decode()
    assert "The credential is not valid" in refused and "changed after it was signed" in refused
    empty = client.post(url, {"credential": ""})
    assert empty.status_code == 200 and "Paste the credential" in empty.content.decode()


def test_the_staff_issue_a_competitions_credentials_and_its_pdf_prints_each_ones_address(
    world: World, signed_in: Callable[[User], Client]
) -> None:
    staff = signed_in(world.staff)
    pdf = reverse("competitions:competition_certificates", args=[world.competition.pk])
    answer = staff.get(pdf)
    assert answer.status_code == 200 and not Credential.objects.filter(team__competition=world.competition).exists()
    assert not any(page.get("credential_link") for page in answer.context["pages"])  # making the PDF issues nothing
    issued = staff.post(reverse("credentials:competition_issue", args=[world.competition.pk]))
    assert issued.status_code == 302
    credentials = Credential.objects.filter(team__competition=world.competition)
    answer = staff.get(pdf)
    assert answer["Content-Type"] == "application/pdf"
    pages = answer.context["pages"]  # the certificates' HTML before it became the PDF
    assert len(pages) == credentials.count() == 4
    # Each page's QR code carries its own credential's address, each credential on one page.
    assert {page["credential_link"] for page in pages} == {addresses.credential_url(c.key) for c in credentials}
    assert all(page["credential_qr"] for page in pages)
    # Another centre's staff cannot issue them (not found, like a competition that does not exist).
    stranger = signed_in(world.stranger).post(reverse("credentials:competition_issue", args=[world.competition.pk]))
    assert stranger.status_code == 404

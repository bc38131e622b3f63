"""Issue 44 point 5, verifiable certificates: every course and competition certificate is also an Open Badges 3.0
credential, valid against the specification's JSON Schema (kept verbatim in tests/credentials/schema/), signed as
a JWT with the centre's Ed25519 key; it verifies, and a changed byte anywhere fails; issuing twice gives the same
credential; a rotated key still verifies what it signed and signs no more; no private key is in the database; and
another centre's staff neither issue nor see them."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import jsonschema
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection

from eduboard.competitions import selectors as competition_selectors
from eduboard.courses import services as course_services
from eduboard.courses.models import Participant
from eduboard.credentials import addresses, keys, openbadges, selectors, services
from eduboard.credentials.choices import CredentialKind
from eduboard.credentials.models import Credential, SigningKey
from tests.credentials.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

SCHEMA = json.loads((Path(__file__).parent / "schema" / "achievementcredential.json").read_text())
VALIDATOR = jsonschema.Draft201909Validator(SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _signature = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(header), decode(payload)


def assert_open_badge(token: str) -> dict[str, Any]:
    """The credential of a token is an OpenBadgeCredential by the schema, its JWT as the proof format says."""
    header, payload = parts(token)
    assert header == {"alg": "EdDSA", "kid": header["kid"], "typ": "JWT"}  # no other JOSE header is allowed
    assert header["kid"].startswith("https://eduboard.example.lv/centre/lv/credentials/keys/")
    VALIDATOR.validate(payload)
    credential = openbadges.without_claims(payload)
    VALIDATOR.validate(credential)
    assert credential["@context"][1] == "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
    assert payload["iss"] == credential["issuer"]["id"] and payload["jti"] == credential["id"]
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == int(datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp())
    return credential


def test_the_schema_is_the_specifications_and_catches_a_broken_credential() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    jsonschema.Draft201909Validator.check_schema(SCHEMA)
    assert not VALIDATOR.is_valid(
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["OpenBadgeCredential"]}
    )


def test_a_course_certificate_is_issued_with_its_credential_once(world: World) -> None:
    assert len(world.certified) == 2  # Eva did not attend
    rows = list(Credential.objects.order_by("pk"))
    assert [(c.kind, c.participant_id) for c in rows] == [(CredentialKind.COURSE, p.pk) for p in world.certified]
    for credential, participant in zip(rows, world.certified, strict=True):
        assert credential.key == participant.certificate_key  # the paper certificate's QR code opens it
        document = assert_open_badge(credential.jwt)
        achievement = document["credentialSubject"]["achievement"]
        assert achievement["name"] == "Robotika sākumskolas skolotājiem"
        assert achievement["humanCode"] == participant.certificate_number
        assert document["issuer"]["name"] == "Daugavpils Inovāciju centrs"
        identity = document["credentialSubject"]["identifier"][0]
        assert identity["identityHash"] == openbadges.identity_hash(participant.name, identity["salt"])
        assert participant.name not in credential.jwt and participant.name not in json.dumps(parts(credential.jwt))
    again = services.course_credentials_issue(viewer=world.staff, course=world.course)
    assert [c.pk for c in again] == [c.pk for c in rows]
    assert Credential.objects.count() == 2


def test_competition_certificates_get_one_credential_per_named_member_placed_or_taking_part(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, _failed = world.teams
    monkeypatch.setattr(competition_selectors, "winners", lambda competition: {first.pk: 1})
    issued = services.competition_credentials_issue(viewer=world.staff, competition=world.competition)
    assert len(issued) == 4  # two named members of each team that passed the check; the unnamed one has no page
    names = [c.achievement_name for c in issued]
    assert names.count("1. vieta disciplīnā „Līnijas sekotājs”, Robotikas čempionāts") == 2  # in Latvian
    for credential in issued:
        document = assert_open_badge(credential.jwt)
        assert "Anna" not in credential.jwt and "Jānis" not in json.dumps(document)
        kind = document["credentialSubject"]["achievement"]["achievementType"]
        assert kind == ("Award" if credential.team_id == first.pk else "ext:Participation")
    assert {c.team_id for c in issued} == {first.pk, second.pk}
    again = services.competition_credentials_issue(viewer=world.staff, competition=world.competition)
    assert [c.pk for c in again] == [c.pk for c in issued]
    links = services.competition_certificate_links(viewer=world.staff, competition=world.competition)
    assert list(links.values()) == [addresses.credential_url(c.key) for c in issued]
    assert list(links) == [(first.pk, "Anna"), (first.pk, "Jānis"), (second.pk, "Anna"), (second.pk, "Jānis")]
    anna = verified(issued[0])
    assert anna.names_holder("Anna") and anna.names_holder(" Anna ") and not anna.names_holder("Jānis")


def verified(credential: Credential) -> selectors.Verification:
    verification = selectors.credential_verify(token=credential.jwt)
    assert verification.valid, verification.reason
    return verification


def changed(token: str, index: int) -> str:
    character = token[index]
    replacement = "A" if character != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


def test_a_credential_verifies_and_every_changed_character_fails(world: World) -> None:
    token = Credential.objects.first().jwt  # type: ignore[union-attr]
    verification = verified(Credential.objects.get(jwt=token))
    assert verification.issuer_name == "Daugavpils Inovāciju centrs"
    assert verification.achievement_name == "Robotika sākumskolas skolotājiem"
    assert verification.record is not None and verification.record.jwt == token
    reasons = {selectors.credential_verify(token=changed(token, i)).reason for i in range(len(token))}
    assert "" not in reasons  # no changed byte verifies, the spare bits of a segment's last character included
    assert reasons <= {"malformed", "bad_signature", "algorithm", "unknown_key"}
    header, payload, signature = token.split(".")
    middle = len(header) + 1 + len(payload) // 2
    assert selectors.credential_verify(token=changed(token, middle)).reason == "bad_signature"
    assert selectors.credential_verify(token=f"{header}.{payload}.{signature[:-1]}").reason == "malformed"
    assert selectors.credential_verify(token=token[:40] + "\n" + token[40:]).valid  # pasted across lines


def _signed(document: dict[str, Any], private: Ed25519PrivateKey, kid: str, **claims: Any) -> str:
    payload = {**document, **openbadges.jwt_claims(document), **claims}
    return jwt.encode(payload, private, algorithm="EdDSA", headers={"kid": addresses.key_url(kid), "typ": "JWT"})


def test_each_reason_a_credential_is_not_valid(world: World) -> None:
    credential = Credential.objects.first()
    assert credential is not None
    document = openbadges.without_claims(parts(credential.jwt)[1])
    private = keys.private_key_load(credential.kid)
    assert private is not None

    def reason(token: str) -> str:
        return selectors.credential_verify(token=token).reason

    assert reason("") == reason("abc") == reason("a.b.c") == reason("not a credential at all") == "malformed"
    assert reason(jwt.encode({"a": 1}, "secret-of-32-bytes-at-least-0123456789", algorithm="HS256")) == "algorithm"
    stranger = Ed25519PrivateKey.generate()
    assert reason(_signed(document, stranger, "someone-elses-key")) == "unknown_key"
    assert reason(_signed(document, stranger, credential.kid)) == "bad_signature"  # our kid, another key
    past = datetime.now(UTC) - timedelta(days=1)
    expired = {**document, "validUntil": openbadges.timestamp(past)}
    assert reason(_signed(expired, private, credential.kid)) == "expired"
    future = {**document, "validFrom": openbadges.timestamp(datetime.now(UTC) + timedelta(days=2))}
    assert reason(_signed(future, private, credential.kid)) == "not_yet_valid"
    assert reason(_signed(document, private, credential.kid, jti="https://elsewhere.example/1")) == "mismatch"
    claimed = {**document, "issuer": {**document["issuer"], "id": "https://elsewhere.example/issuer"}}
    assert reason(_signed(claimed, private, credential.kid)) == "mismatch"  # our key, another issuer's name
    assert reason(_signed(document, private, credential.kid)) == ""


def test_rotation_keeps_old_credentials_valid_and_signs_new_ones_with_the_new_key(
    world: World, keys_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    old = Credential.objects.first()
    assert old is not None
    assert (keys_dir / f"{old.kid}.pem").stat().st_mode & 0o777 == 0o600
    assert keys_dir.stat().st_mode & 0o777 == 0o700
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_credential_key", "--centre", world.centre.registration_number, stdout=out)
    new_key = SigningKey.objects.get(centre=world.centre, retired_at__isnull=True)
    assert new_key.kid != old.kid and new_key.kid in out.getvalue() and old.kid in out.getvalue()
    assert not (keys_dir / f"{old.kid}.pem").exists() and (keys_dir / f"{new_key.kid}.pem").exists()
    assert selectors.credential_verify(token=old.jwt).valid
    Participant.objects.filter(name="Eva Kalna").update(certificate_number="", certificate_key="")
    for session in world.course.sessions.all():
        course_services.attendance_record(
            viewer=world.staff, session=session, marks={p.pk: True for p in world.course.participants.all()}
        )
    (eva,) = course_services.certificates_issue(viewer=world.staff, course=world.course)
    fresh = Credential.objects.get(participant=eva)
    assert fresh.kid == new_key.kid and parts(fresh.jwt)[0]["kid"].endswith(f"/keys/{new_key.kid}/")
    assert selectors.credential_verify(token=fresh.jwt).valid
    profile = selectors.issuer_document(world.centre.pk)
    assert profile is not None
    assert [k["kid"].rsplit("/", 2)[-2] for k in profile["jwks"]["keys"]] == [new_key.kid, old.kid]


def test_a_centre_without_its_key_file_gets_a_new_key_and_the_old_one_still_verifies(
    world: World, keys_dir: Path
) -> None:
    old = Credential.objects.first()
    assert old is not None
    (keys_dir / f"{old.kid}.pem").unlink()  # a new server, a lost directory
    made = services.competition_credentials_issue(viewer=world.staff, competition=world.competition)
    assert made and {c.kid for c in made} != {old.kid}
    assert SigningKey.objects.get(kid=old.kid).retired_at is not None
    assert selectors.credential_verify(token=old.jwt).valid


def test_no_private_key_is_in_the_database(
    world: World, keys_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    services.competition_credentials_issue(viewer=world.staff, competition=world.competition)
    secrets = []
    for path in keys_dir.glob("*.pem"):
        pem = path.read_text()
        body = "".join(line for line in pem.splitlines() if "PRIVATE KEY" not in line)
        private = keys.private_key_load(path.stem)
        assert private is not None
        raw = private.private_bytes_raw()
        secrets += [body, keys.b64url(raw), raw.hex(), base64.b64encode(raw).decode()]
    assert len(secrets) >= 4
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the database
            dump += [str(row) for row in cursor.fetchall()]
    text = "\n".join(dump)
    assert "Ed25519" in text  # the public keys are there
    assert "PRIVATE KEY" not in text and not [s for s in secrets if s in text]
    jwks = json.dumps(selectors.issuer_document(world.centre.pk))
    assert '"d"' not in jwks and not [s for s in secrets if s in jwks]


def test_another_centres_staff_neither_issue_nor_see_the_credentials(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.course_credentials_issue(viewer=world.stranger, course=world.course)
    with pytest.raises(PermissionDenied):
        services.competition_credentials_issue(viewer=world.stranger, competition=world.competition)
    with pytest.raises(PermissionDenied):
        services.signing_key_rotate(viewer=world.staff, centre=world.centre)  # the board's (a command's) work
    assert list(selectors.credential_list(viewer=world.stranger)) == []
    assert len(selectors.credential_list(viewer=world.staff)) == 2


def test_the_command_issues_what_is_missing_once(world: World) -> None:
    Credential.objects.all().delete()
    out = StringIO()
    call_command("issue_credentials", stdout=out)
    assert Credential.objects.count() == 2 + 4
    call_command("issue_credentials", "--centre", world.centre.registration_number, stdout=out)
    assert Credential.objects.count() == 6


def test_a_competitions_credentials_wait_for_final_results(world: World) -> None:
    from eduboard.competitions.models import Attempt

    Attempt.objects.filter(team=world.teams[1], number=3).delete()  # a checked robot's run not recorded yet
    with pytest.raises(ValidationError) as refused:
        services.competition_credentials_issue(viewer=world.staff, competition=world.competition)
    assert refused.value.code == "not_final" and "Līnijas sekotājs" in refused.value.messages[0]
    assert not Credential.objects.filter(kind=CredentialKind.COMPETITION).exists()
    assert competition_selectors.unfinished_disciplines(world.competition) == list(world.competition.disciplines.all())


def test_a_corrected_place_withdraws_the_credential_that_stated_the_old_one(world: World) -> None:
    from eduboard.competitions.models import Attempt

    first, second, _failed = world.teams
    before = {c.team_id: c for c in services.competition_credentials_issue(viewer=world.staff,
                                                                           competition=world.competition)}  # fmt: skip
    assert "1. vieta" in before[first.pk].achievement_name and "2. vieta" in before[second.pk].achievement_name
    Attempt.objects.filter(team=second).update(time_ms=1_000)  # a run corrected: the second team was faster
    after = services.competition_credentials_issue(viewer=world.staff, competition=world.competition)
    now_first = next(c for c in after if c.team_id == second.pk)
    assert "1. vieta" in now_first.achievement_name and now_first.pk != before[second.pk].pk
    old = Credential.objects.get(pk=before[second.pk].pk)
    assert old.revoked_at is not None and "1. vieta" in old.revoked_reason
    refused = selectors.credential_verify(token=old.jwt)
    assert not refused.valid and refused.reason == "revoked"  # its signature holds; the issuer withdrew it
    assert selectors.credential_verify(token=now_first.jwt).valid
    links = services.competition_certificate_links(viewer=world.staff, competition=world.competition)
    assert addresses.credential_url(old.key) not in links.values()
    assert addresses.credential_url(now_first.key) in links.values()


def test_a_token_signed_with_a_leaked_key_after_rotation_is_not_valid(
    world: World, keys_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    old = Credential.objects.first()
    assert old is not None
    leaked = keys.private_key_load(old.kid)  # someone copied the key directory
    assert leaked is not None
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_credential_key", "--centre", world.centre.registration_number, stdout=StringIO())
    _header, payload = parts(old.jwt)
    payload["credentialSubject"]["achievement"]["name"] = "Goda doktors"
    forged = jwt.encode(payload, leaked, algorithm="EdDSA", headers={"kid": parts(old.jwt)[0]["kid"], "typ": "JWT"})
    verdict = selectors.credential_verify(token=forged)
    assert not verdict.valid and verdict.reason == "not_issued"
    assert selectors.credential_verify(token=old.jwt).valid  # what it signed before stays valid

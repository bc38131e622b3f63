"""Issuing the verifiable certificates: each certificate of a course participant, and of each named member of a
team whose robot passed the check, also issued as an Open Badges 3.0 credential signed with the centre's current
Ed25519 key; and the rotation of that key.

Issuing is idempotent: a certificate has one credential, however many times it is issued (a course participant's
by the participant, a team member's by the team and the member's name, compared by its salted hash). A course
certificate's credential is issued with the certificate (`courses.services.certificates_issue` calls the hooks
this area registers); older certificates and the competitions' are issued by `course_credentials_issue` and
`competition_credentials_issue` (the `issue_credentials` command runs both)."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from eduboard.competitions import selectors as competition_selectors
from eduboard.competitions.models import Competition, Team
from eduboard.core.scope import Viewer
from eduboard.courses.models import Course, Participant
from eduboard.credentials import addresses, keys, openbadges
from eduboard.credentials.choices import CredentialKind
from eduboard.credentials.models import Credential, SigningKey
from eduboard.credentials.selectors import issuer_profile
from eduboard.registry.models import Institution

#: The language of a credential's texts: the centre's, as on its paper certificates.
LANGUAGE = "lv"


# --- keys


def _usable_key(centre: Institution) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The centre's current key and its private half; a new key when it has none or its file is gone (a key whose
    private file is missing can sign no more: it is retired, and still verifies what it signed)."""
    current = SigningKey.objects.filter(centre=centre, retired_at__isnull=True).order_by("-created_at", "-pk").first()
    if current is not None:
        private = keys.private_key_load(current.kid)
        if private is not None:
            return current, private
    made, _retired = _key_make(centre)
    private = keys.private_key_load(made.kid)
    assert private is not None  # noqa: S101 - written just now
    return made, private


def _key_make(centre: Institution) -> tuple[SigningKey, list[SigningKey]]:
    kid, jwk = keys.private_key_make()
    now = timezone.now()
    retired = list(SigningKey.objects.filter(centre=centre, retired_at__isnull=True))
    for old in retired:
        old.retired_at = now
        old.save(update_fields=["retired_at"])  # save(): the audit trail records it
    made = SigningKey(centre=centre, kid=kid, public_jwk=jwk)
    made.full_clean()
    made.save()
    return made, retired


@transaction.atomic
def signing_key_rotate(*, viewer: Viewer, centre: Institution) -> tuple[SigningKey, list[SigningKey]]:
    """Give the centre a new signing key: the new private key is written to the key directory, the old keys are
    retired (their public halves stay, so what they signed still verifies) and their private files deleted.
    Returns the new key and the retired ones. The board's (a command's) work."""
    if not viewer.has_perm("credentials.add_signingkey"):
        raise PermissionDenied(_("Your role does not rotate the signing keys."))
    if not Institution.objects.editable_by(viewer).filter(pk=centre.pk).exists():
        raise PermissionDenied(_("This centre is not in your scope."))
    made, retired = _key_make(centre)
    transaction.on_commit(lambda: [keys.private_key_remove(old.kid) for old in retired])
    return made, retired


# --- issuing


def _issue(
    *,
    centre: Institution,
    kind: str,
    holder: str,
    achievement: dict[str, Any],
    awarded: datetime,
    key: str = "",
    participant: Participant | None = None,
    team: Team | None = None,
) -> Credential:
    signing_key, private = _usable_key(centre)
    key = key or secrets.token_urlsafe(24)
    salt = secrets.token_hex(16)
    subject_id = uuid.uuid4().urn
    identity = openbadges.identity_hash(holder, salt)
    issued_at = timezone.now().replace(microsecond=0)
    document = openbadges.credential_document(
        credential_id=addresses.credential_url(key),
        issuer=issuer_profile(centre=centre),
        subject_id=subject_id,
        achievement=achievement,
        identity=identity,
        salt=salt,
        valid_from=issued_at,
        awarded=awarded,
    )
    token = openbadges.jwt_sign(document, private_key=private, kid_url=addresses.key_url(signing_key.kid))
    credential = Credential(
        key=key,
        kind=kind,
        centre=centre,
        participant=participant,
        team=team,
        achievement_name=achievement["name"][:400],
        subject_id=subject_id,
        salt=salt,
        identity_hash=identity,
        issued_at=issued_at,
        kid=signing_key.kid,
        jwt=token,
    )
    credential.full_clean()
    credential.save()  # save(): the audit trail records it
    return credential


def _course_achievement(course: Course, participant: Participant) -> dict[str, Any]:
    issuer = addresses.issuer_url(course.centre_id)
    with translation.override(LANGUAGE):
        description = _(
            "A professional development course for teachers of %(hours)s academic hours, %(start)s–%(end)s; "
            "lecturer %(lecturer)s."
        ) % {
            "hours": course.hours,
            "start": date_format(course.starts_on, "SHORT_DATE_FORMAT"),
            "end": date_format(course.ends_on, "SHORT_DATE_FORMAT"),
            "lecturer": course.lecturer,
        }
        narrative = _("Attended at least %(percent)s%% of the course's session hours.") % {
            "percent": course.required_percent
        }
    return {
        "id": f"{issuer}#course-{course.code}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": course.title,
        "description": description,
        "criteria": {"narrative": narrative},
        "humanCode": participant.certificate_number,
        "inLanguage": LANGUAGE,
    }


def _course_credential(participant: Participant) -> Credential:
    found: Credential | None = Credential.objects.filter(participant=participant).first()
    if found is not None:
        return found
    course = participant.course
    on = participant.certified_on or timezone.localdate()
    return _issue(
        centre=course.centre,
        kind=CredentialKind.COURSE,
        holder=participant.name,
        achievement=_course_achievement(course, participant),
        awarded=datetime.combine(on, time(12), tzinfo=timezone.get_current_timezone()),
        key=participant.certificate_key,  # the QR code of the paper certificate opens the credential too
        participant=participant,
    )


def course_certificates_credentials_issue(*, viewer: Viewer, participants: list[Participant]) -> list[Credential]:
    """The credentials of certificates just issued (courses.services.certificates_issue calls it, in its
    transaction, having checked the viewer; their course is the viewer's to certify)."""
    return [_course_credential(p) for p in participants if p.certificate_number and p.certificate_key]


@transaction.atomic
def course_credentials_issue(*, viewer: Viewer, course: Course) -> list[Credential]:
    """The credential of every certificate of the course (once each; those issued before are returned as they
    are). Refused outside the viewer's scope or role, as issuing the certificates is."""
    if not viewer.has_perm("courses.change_participant"):
        raise PermissionDenied(_("Your role does not issue certificates."))
    locked = Course.objects.editable_by(viewer).select_for_update().filter(pk=course.pk).first()
    if locked is None:
        raise PermissionDenied(_("This course is not in your scope."))
    certified = Participant.objects.filter(course=locked).exclude(certificate_number="").exclude(certificate_key="")
    return [_course_credential(p) for p in certified.select_related("course__centre").order_by("name", "pk")]


def _competition_achievement(competition: Competition, team: Team, place: int | None) -> dict[str, Any]:
    issuer = addresses.issuer_url(competition.centre_id)
    discipline = team.discipline
    values = {
        "place": place,
        "discipline": discipline.name_lv,
        "competition": competition.title_lv,
        "team": team.name,
        "school": team.school_name,
        "date": date_format(competition.date, "SHORT_DATE_FORMAT"),
        "where": competition.place,
    }
    with translation.override(LANGUAGE):
        if place:
            name = _("Place %(place)s in “%(discipline)s”, %(competition)s") % values
            description = (
                _(
                    "Awarded to a member of the team “%(team)s” (%(school)s) for place %(place)s in the discipline "
                    "“%(discipline)s” of the robotics competition %(competition)s, %(date)s, %(where)s."
                )
                % values
            )
            narrative = _("The team's robot passed the robot check and the team took place %(place)s.") % values
        else:
            name = _("Participation in “%(discipline)s”, %(competition)s") % values
            description = (
                _(
                    "A member of the team “%(team)s” (%(school)s) took part in the discipline “%(discipline)s” of the "
                    "robotics competition %(competition)s, %(date)s, %(where)s."
                )
                % values
            )
            narrative = _("The team's robot passed the robot check and competed in the discipline.")
    outcome = f"place-{place}" if place else "participation"
    return {
        "id": f"{issuer}#competition-{competition.code}-{discipline.code}-{outcome}",
        "type": ["Achievement"],
        "achievementType": "Award" if place else "ext:Participation",
        "name": name,
        "description": description,
        "criteria": {"narrative": narrative},
        "inLanguage": LANGUAGE,
    }


def _member_credential(competition: Competition, team: Team, name: str, place: int | None) -> Credential:
    """The member's credential for the team's result: the one issued before when it states this result; else a new
    one, and the one before (stating another place: a result corrected since) withdrawn."""
    achievement = _competition_achievement(competition, team, place)
    found: Credential
    for found in Credential.objects.filter(team=team, kind=CredentialKind.COMPETITION, revoked_at__isnull=True):
        if openbadges.identity_hash(name, found.salt) != found.identity_hash:
            continue
        if found.achievement_name == achievement["name"][:400]:
            return found
        found.revoked_at = timezone.now()
        found.revoked_reason = (_("The result changed: %s.") % achievement["name"])[:300]
        found.save(update_fields=["revoked_at", "revoked_reason"])  # save(): the audit trail records it
    return _issue(
        centre=competition.centre,
        kind=CredentialKind.COMPETITION,
        holder=name,
        achievement=achievement,
        awarded=datetime.combine(competition.date, time(12), tzinfo=timezone.get_current_timezone()),
        team=team,
    )


def _editable_competition(viewer: Viewer, competition: Competition, *, lock: bool) -> Competition:
    """The competition, for issuing (`lock`: the viewer may change it, its row locked) or for reading its
    certificates' links (the viewer may print its certificates: read it)."""
    permission = "competitions.change_competition" if lock else "competitions.view_competition"
    if not viewer.has_perm(permission):
        raise PermissionDenied(_("Your role does not issue certificates."))
    rows = Competition.objects.filter(pk=competition.pk)
    rows = rows.editable_by(viewer).select_for_update() if lock else rows.visible_to(viewer)
    if rows.first() is None:
        raise PermissionDenied(_("This competition is not in your scope."))
    found: Competition = Competition.objects.select_related("centre").get(pk=competition.pk)
    return found


@transaction.atomic
def competition_credentials_issue(*, viewer: Viewer, competition: Competition) -> list[Credential]:
    """The credential of every certificate of the competition (competitions.selectors.certificate_pages: each
    named member of a team whose robot passed the check, with the place of a discipline's first three), in the
    order of the certificates' pages, once its results are final (held, every discipline finished:
    `competitions.selectors.unfinished_disciplines`). Issued once each; a credential stating a result corrected
    since is withdrawn and a new one issued. Refused to a viewer who may not change the competition."""
    locked = _editable_competition(viewer, competition, lock=True)
    if locked.date > timezone.localdate():
        raise ValidationError(_("The competition has not been held yet."), code="not_final")
    unfinished = competition_selectors.unfinished_disciplines(locked)
    if unfinished:
        raise ValidationError(
            _("The results are not final yet in: %s.") % ", ".join(d.name(None) for d in unfinished), code="not_final"
        )
    pages = competition_selectors.certificate_pages(locked)
    return [_member_credential(locked, page["team"], page["name"], page["place"]) for page in pages]


def competition_certificate_links(*, viewer: Viewer, competition: Competition) -> dict[tuple[int, str], str]:
    """For the certificates PDF, a QR code per page: (team id, member's name) → the address of the credential that
    states that page's result, for the certificates whose credential is issued (reads only: issuing is
    `competition_credentials_issue`). Registered in competitions.selectors.CERTIFICATE_LINKS."""
    locked = _editable_competition(viewer, competition, lock=False)
    issued = Credential.objects.filter(
        team__competition=locked, kind=CredentialKind.COMPETITION, revoked_at__isnull=True
    )
    by_team: dict[int, list[Credential]] = {}
    for credential in issued:
        by_team.setdefault(credential.team_id or 0, []).append(credential)
    links = {}
    for page in competition_selectors.certificate_pages(locked):
        achievement = _competition_achievement(locked, page["team"], page["place"])["name"][:400]
        for credential in by_team.get(page["team"].pk, []):
            holder = openbadges.identity_hash(page["name"], credential.salt) == credential.identity_hash
            if holder and credential.achievement_name == achievement:
                links[(page["team"].pk, page["name"])] = addresses.credential_url(credential.key)
    return links

"""Writes of interest education (interešu izglītība) that carry a rule; the rules they share with a group's save
and a licence's check are in `interest.rules` (a group's leader is employed at the group's institution).

Rules of the writes:
- a neighbourhood club belongs to an interest-education institution of the editor's scope and closes on or after
  the day it opens;
- a municipal licence covers 1 to 160 hours, is valid until on or after its issue, names its provider, and is the
  board's register;
- a festival participation row names an institution of the editor's scope, or (the board only) another body by
  name, not both; it counts at least one collective.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from eduboard.core.scope import Viewer, sees_whole_city
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.interest.models import FestivalParticipation
from eduboard.interest.rules import licence_check, refuse_control_characters, strip_texts
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Club, Institution, MunicipalLicence

CLUB_TEXT = ("name", "address")


@atomic_write
def club_save(*, club: Club, viewer: Viewer, expected_version: int | None = None) -> Club:
    """Add or edit a neighbourhood club of an interest-education institution in `viewer`'s scope (a stale edit is
    refused; a club is not moved out of the scope)."""
    if club.pk is not None and not Club.objects.editable_by(viewer).filter(pk=club.pk).exists():
        raise PermissionDenied(_("This club is not in your scope."))
    institution = Institution.objects.editable_by(viewer).filter(pk=club.institution_id).first()
    if institution is None:
        raise ValidationError({"institution": _("Choose an institution of your scope.")}, code="foreign_institution")
    if institution.type != InstitutionType.INTEREST_EDUCATION:
        message = _("Clubs belong to interest-education institutions; %(name)s is not one.") % {"name": institution}
        raise ValidationError({"institution": message}, code="not_interest_education")
    strip_texts(club, CLUB_TEXT)
    refuse_control_characters(club, CLUB_TEXT)
    if club.closed_on and club.opened_on and club.closed_on < club.opened_on:
        raise ValidationError({"closed_on": _("A club closes on or after the day it opens.")}, code="closes_early")
    save_versioned(club, expected_version=expected_version)
    return club


@atomic_write
def municipal_licence_save(
    *, licence: MunicipalLicence, viewer: Viewer, expected_version: int | None = None
) -> MunicipalLicence:
    """Add or edit a municipal licence: the board's register, so only a board role that may change it does."""
    permission = "registry.change_municipallicence" if licence.pk else "registry.add_municipallicence"
    if not sees_whole_city(viewer) or not viewer.has_perm(permission):
        raise PermissionDenied(_("Municipal licences are the board's register."))
    licence_check(licence)
    save_versioned(licence, expected_version=expected_version)
    return licence


FESTIVAL_TEXT = ("festival", "body")


@atomic_write
def festival_participation_save(
    *, participation: FestivalParticipation, viewer: Viewer, expected_version: int | None = None
) -> FestivalParticipation:
    """Add or edit a festival participation row: an institution's in `viewer`'s scope, or another body's (named, no
    institution), which only the board records; a stale edit is refused, a row is not moved out of the scope."""
    if (
        participation.pk is not None
        and not FestivalParticipation.objects.editable_by(viewer).filter(pk=participation.pk).exists()
    ):
        raise PermissionDenied(_("This row is not in your scope."))
    strip_texts(participation, FESTIVAL_TEXT)
    refuse_control_characters(participation, FESTIVAL_TEXT)
    if participation.institution_id is not None:
        if participation.body:
            raise ValidationError(
                {"body": _("Choose an institution, or name another body, not both.")}, code="institution_and_body"
            )
        if participation.body_is_institution:
            raise ValidationError(
                {"body_is_institution": _("Only another body can be marked as an education institution.")},
                code="registry_institution_flagged",
            )
        if not Institution.objects.editable_by(viewer).filter(pk=participation.institution_id).exists():
            raise ValidationError(
                {"institution": _("Choose an institution of your scope.")}, code="foreign_institution"
            )
    elif not participation.body:
        raise ValidationError(
            {"institution": _("Choose an institution, or name another body.")}, code="no_institution_or_body"
        )
    elif not sees_whole_city(viewer):
        raise ValidationError(
            {"body": _("Rows of other bodies are the board's; choose an institution of your scope.")},
            code="body_is_the_boards",
        )
    save_versioned(participation, expected_version=expected_version)
    return participation

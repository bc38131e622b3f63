"""Writes of interest education (interešu izglītība) that carry a rule, and the rule of a group's leader.

Rules, in one place:
- a group's leader (pulciņa vadītājs) holds an employment at the group's institution during the group's school
  year: `group_leader_check`, which every group save runs (registered in `registry.rules.GROUP_CHECKS` by this
  app's `ready()`; the registry keeps its own rule that a group meets only in a club of its institution);
- a neighbourhood club belongs to an interest-education institution of the editor's scope and closes on or after
  the day it opens;
- a municipal licence covers 1 to 160 hours, is valid until on or after its issue, names its provider, and is the
  board's register.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from eduboard.core.scope import Viewer, sees_whole_city
from eduboard.core.text import validate_no_control_characters
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.people.models import Employment
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Club, Group, Institution, MunicipalLicence


def _refuse_control_characters(instance: Any, names: tuple[str, ...]) -> None:
    errors: dict[str, list[ValidationError]] = {}
    for name in names:
        try:
            validate_no_control_characters(getattr(instance, name))
        except ValidationError as error:
            errors[name] = [error]
    if errors:
        raise ValidationError(errors)


def _strip(instance: Any, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, str):
            setattr(instance, name, value.strip())


CLUB_TEXT = ("name", "address")


@atomic_write
def club_save(*, club: Club, by: Viewer, expected_version: int | None = None) -> Club:
    """Add or edit a neighbourhood club of an interest-education institution in `by`'s scope (a stale edit is
    refused; a club is not moved out of the scope)."""
    if club.pk is not None and not Club.objects.editable_by(by).filter(pk=club.pk).exists():
        raise PermissionDenied(_("This club is not in your scope."))
    institution = Institution.objects.editable_by(by).filter(pk=club.institution_id).first()
    if institution is None:
        raise ValidationError({"institution": _("Choose an institution of your scope.")}, code="foreign_institution")
    if institution.type != InstitutionType.INTEREST_EDUCATION:
        message = _("Clubs belong to interest-education institutions; %(name)s is not one.") % {"name": institution}
        raise ValidationError({"institution": message}, code="not_interest_education")
    _strip(club, CLUB_TEXT)
    _refuse_control_characters(club, CLUB_TEXT)
    if club.closed_on and club.opened_on and club.closed_on < club.opened_on:
        raise ValidationError({"closed_on": _("A club closes on or after the day it opens.")}, code="closes_early")
    save_versioned(club, expected_version=expected_version)
    return club


LICENCE_TEXT = ("number", "programme_name", "provider_name", "provider_registration_number", "decision")


def licence_check(licence: MunicipalLicence) -> None:
    """The licence's own rules, each refusal naming its field: 1–160 hours, valid until on or after the issue, and a
    provider chosen from the registry or named (a registry provider's name and number are filled in from it)."""
    _strip(licence, LICENCE_TEXT)
    _refuse_control_characters(licence, LICENCE_TEXT)
    errors: dict[str, str] = {}
    if licence.hours is None or not 1 <= licence.hours <= 160:
        errors["hours"] = _("A municipal licence covers a programme of 1 to 160 hours; got %(hours)s.") % {
            "hours": licence.hours if licence.hours is not None else "—"
        }
    if licence.valid_until is not None and licence.issued_on is not None and licence.valid_until < licence.issued_on:
        errors["valid_until"] = _("“Valid until” is on or after the day the licence was issued.")
    provider = licence.provider if licence.provider_id is not None else None
    if provider is not None:
        licence.provider_name = licence.provider_name or provider.name
        licence.provider_registration_number = licence.provider_registration_number or provider.registration_number
    elif not licence.provider_name:
        errors["provider_name"] = _(
            "Choose the provider from the registry, or write the name of a provider outside it (e.g. “SIA …”)."
        )
    if errors:
        raise ValidationError(errors, code="invalid")


@atomic_write
def municipal_licence_save(
    *, licence: MunicipalLicence, by: Viewer, expected_version: int | None = None
) -> MunicipalLicence:
    """Add or edit a municipal licence: the board's register, so only a board role that may change it does."""
    permission = "registry.change_municipallicence" if licence.pk else "registry.add_municipallicence"
    if not sees_whole_city(by) or not by.has_perm(permission):
        raise PermissionDenied(_("Municipal licences are the board's register."))
    licence_check(licence)
    save_versioned(licence, expected_version=expected_version)
    return licence


def group_leader_check(group: Group) -> dict[str, str]:
    """A group's leader holds an employment at the group's institution during the group's school year: the refusal
    under `leader`, or none. Every group save runs it (`registry.rules.GROUP_CHECKS`, registered by `apps`)."""
    if group.leader_id is None or group.school_year_id is None or group.institution_id is None:
        return {}
    year = group.school_year
    employed = (
        Employment.objects.filter(staff_member_id=group.leader_id, institution_id=group.institution_id)
        .filter(start_date__lte=year.end_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=year.start_date))
    )
    if employed.exists():
        return {}
    message = _(
        "The leader must be employed at %(institution)s during the school year %(year)s; record the employment first."
    ) % {"institution": group.institution, "year": year}
    return {"leader": message}

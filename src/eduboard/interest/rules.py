"""The rules of interest education (interešu izglītība) that a write checks, in one place:
- a group's leader (pulciņa vadītājs) holds an employment at the group's institution during the group's school
  year: `group_leader_check`, which every group save runs (registered in `registry.rules.GROUP_CHECKS` by this
  app's `ready()`; the registry keeps its own rule that a group meets only in a club of its institution);
- a municipal licence covers 1 to 160 hours, is valid until on or after its issue, and names its provider
  (`licence_check`).
The writes that run them are in `interest.services`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eduboard.core.text import validate_no_control_characters
from eduboard.people.models import Employment
from eduboard.registry.models import Group, MunicipalLicence


def refuse_control_characters(instance: Any, names: tuple[str, ...]) -> None:
    """Refuse control characters in the text fields `names` of `instance`, each refusal under its field."""
    errors: dict[str, list[ValidationError]] = {}
    for name in names:
        try:
            validate_no_control_characters(getattr(instance, name))
        except ValidationError as error:
            errors[name] = [error]
    if errors:
        raise ValidationError(errors)


def strip_texts(instance: Any, names: tuple[str, ...]) -> None:
    """Strip the spaces around the text fields `names` of `instance`."""
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, str):
            setattr(instance, name, value.strip())


LICENCE_TEXT = ("number", "programme_name", "provider_name", "provider_registration_number", "decision")


def licence_check(licence: MunicipalLicence) -> None:
    """The licence's own rules, each refusal naming its field: 1–160 hours, valid until on or after the issue, and a
    provider chosen from the registry or named (a registry provider's name and number are filled in from it)."""
    strip_texts(licence, LICENCE_TEXT)
    refuse_control_characters(licence, LICENCE_TEXT)
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


def group_leader_check(group: Group) -> dict[str, str]:
    """A group's leader holds an employment at the group's institution during the group's school year: the refusal
    under `leader`, or none. Every group save runs it (`registry.rules.GROUP_CHECKS`, registered by `apps`)."""
    if group.leader_id is None or group.school_year_id is None or group.institution_id is None:
        return {}
    year = group.school_year
    employed = Employment.objects.filter(
        staff_member_id=group.leader_id, institution_id=group.institution_id
    ).overlapping(year.start_date, year.end_date)
    if employed.exists():
        return {}
    message = _(
        "The leader must be employed at %(institution)s during the school year %(year)s; record the employment first."
    ) % {"institution": group.institution, "year": year}
    return {"leader": message}

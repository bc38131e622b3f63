"""Forms of interest education: a neighbourhood club, a municipal licence and a festival participation row (their
rules also in `services`)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.text import validate_no_control_characters
from eduboard.interest.models import FestivalParticipation
from eduboard.interest.rules import LICENCE_TEXT
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Club, Institution, MunicipalLicence

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClubForm(ScopedFormMixin, VersionedModelForm):
    """A neighbourhood club of an interest-education institution of the user's scope."""

    class Meta:
        model = Club
        fields = ["institution", "name", "address", "opened_on", "closed_on"]
        widgets = {"opened_on": DATE, "closed_on": DATE}
        help_texts = {
            "name": gettext_lazy("e.g. Apkaimes brīvā laika klubs “Ruģeļi”"),
            "address": gettext_lazy("Street, house, Daugavpils"),
            "closed_on": gettext_lazy("Empty while the club works."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution = cast(forms.ModelChoiceField, self.fields["institution"])
        choices = cast(QuerySet[Institution], institution.queryset)  # the model field's, narrowed by the mixin
        institution.queryset = choices.filter(type=InstitutionType.INTEREST_EDUCATION).order_by("sort_name")
        for name in ("name", "address"):
            self.fields[name].validators.append(validate_no_control_characters)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opened, closed = data.get("opened_on"), data.get("closed_on")
        if opened and closed and closed < opened:
            self.add_error("closed_on", _("A club closes on or after the day it opens."))
        return data


class LicenceForm(ScopedFormMixin, VersionedModelForm):
    """A municipal licence: the provider chosen from the registry or named (a private provider outside it)."""

    class Meta:
        model = MunicipalLicence
        fields = [
            "number",
            "kind",
            "programme_name",
            "field",
            "hours",
            "provider",
            "provider_name",
            "provider_registration_number",
            "decision",
            "issued_on",
            "valid_until",
        ]
        widgets = {"issued_on": DATE, "valid_until": DATE}
        help_texts = {
            "provider": gettext_lazy("An institution of the registry; leave empty for a provider outside it."),
            "provider_name": gettext_lazy(
                "A provider outside the registry, e.g. “SIA …”; filled in from the registry when one is chosen."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = cast(forms.ModelChoiceField, self.fields["provider"])
        provider.queryset = cast(QuerySet[Institution], provider.queryset).order_by("sort_name")
        self.fields["provider_name"].required = False
        hours = cast(forms.IntegerField, self.fields["hours"])
        message = _("A municipal licence covers a programme of 1 to 160 hours.")
        hours.error_messages.update({"min_value": message, "max_value": message})
        for name in LICENCE_TEXT:
            self.fields[name].validators.append(validate_no_control_characters)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        provider, name = data.get("provider"), (data.get("provider_name") or "").strip()
        if provider is None and not name:
            self.add_error(
                "provider_name",
                _("Choose the provider from the registry, or write the name of a provider outside it (e.g. “SIA …”)."),
            )
        elif provider is not None and not name:
            data["provider_name"] = provider.name
            if not data.get("provider_registration_number"):
                data["provider_registration_number"] = provider.registration_number
        issued, until = data.get("issued_on"), data.get("valid_until")
        if issued and until and until < issued:
            self.add_error("valid_until", _("“Valid until” is on or after the day the licence was issued."))
        return data


class FestivalParticipationForm(ScopedFormMixin, VersionedModelForm):
    """A festival participation row: an institution of the user's scope, or (the board) another body by name."""

    class Meta:
        model = FestivalParticipation
        fields = [
            "festival",
            "festival_en",
            "festival_ru",
            "year",
            "institution",
            "body",
            "body_is_institution",
            "kind",
            "collectives",
            "participants",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution = cast(forms.ModelChoiceField, self.fields["institution"])
        institution.queryset = cast(QuerySet[Institution], institution.queryset).order_by("sort_name")
        institution.help_text = gettext_lazy("Empty for another body, named below (the board's rows).")
        for name in ("festival", "body"):
            self.fields[name].validators.append(validate_no_control_characters)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        institution, body = data.get("institution"), (data.get("body") or "").strip()
        if institution is not None and body:
            self.add_error("body", _("Choose an institution, or name another body, not both."))
        elif institution is not None and data.get("body_is_institution"):
            self.add_error("body_is_institution", _("Only another body can be marked as an education institution."))
        elif institution is None and not body and "institution" not in self.errors:
            self.add_error("institution", _("Choose an institution, or name another body."))
        return data

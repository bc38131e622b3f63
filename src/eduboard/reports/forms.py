"""Forms of the report pages; the rules themselves live in services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import SchoolYear
from eduboard.registry.board_data import BoardFieldMixin
from eduboard.registry.boards import Board
from eduboard.reports.readiness import DATE_AREAS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


AREA_DATE_HELP = _(
    "Optional: read this area's figures on a day of their own, before the report's date and in its school year "
    "(seed 002 counts pupils and vacancies on 19 August, the money on 14 August). Empty: the report's date "
    "(the money: the last day something was spent)."
)


# The id of the one paragraph that says AREA_DATE_HELP above the areas' date fields (reports/partials/area_dates.html);
# each of the fields points at it, so the help is written once and still read out with every field.
AREA_DATES_HELP_ID = "area-dates-help"


class AreaDatesMixin(forms.Form):
    """One optional date field per area of `readiness.DATE_AREAS`, named as the area (so that a service's error
    about an area lands at its field: `core.forms.add_service_error`); their one help is `area_dates_help`."""

    area_dates_help = AREA_DATE_HELP
    area_dates_help_id = AREA_DATES_HELP_ID

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for area, label in DATE_AREAS.items():
            self.fields[area] = forms.DateField(
                label=_("%(area)s: figures as of") % {"area": label},
                required=False,
                widget=forms.DateInput(
                    attrs={"type": "date", "aria-describedby": AREA_DATES_HELP_ID}, format="%Y-%m-%d"
                ),
            )

    def area_dates(self) -> dict[str, date | None]:
        return {area: self.cleaned_data.get(area) for area in DATE_AREAS}

    def area_fields(self) -> list[forms.BoundField]:
        """The areas' date fields, shown together under their one help."""
        return [self[area] for area in DATE_AREAS]

    def other_fields(self) -> list[forms.BoundField]:
        """The visible fields that are not an area's date, in their order."""
        return [field for field in self.visible_fields() if field.name not in DATE_AREAS]


class EditionCreateForm(BoardFieldMixin, AreaDatesMixin, forms.Form):
    """A new draft edition: the school year and the date of its figures (some areas' on their own)."""

    board = forms.ModelChoiceField(
        label=_("Board"), queryset=Board.objects.all(), help_text=_("The board whose report this is.")
    )
    school_year = forms.ModelChoiceField(label=_("School year"), queryset=SchoolYear.objects.order_by("-start_date"))
    as_of = forms.DateField(label=_("Figures as of"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class NarrativeForm(AreaDatesMixin, forms.Form):
    """The edition's text, one field per narrative place of the report, and the areas' own dates; `version`
    guards against stale edits."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args: Any, slots: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots
        for slot, section, label in slots:
            self.fields[f"slot:{slot}"] = forms.CharField(
                label=f"{section}: {label}",
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def slot_fields(self) -> list[forms.BoundField]:
        """The fields of the narrative places, in the report's order."""
        return [self[f"slot:{slot}"] for slot, _section, _label in self.slots]

    def narrative(self) -> dict[str, str]:
        return {slot: self.cleaned_data.get(f"slot:{slot}", "") for slot, _section, _label in self.slots}


class CompareForm(forms.Form):
    first = forms.IntegerField(label=_("First edition"))
    second = forms.IntegerField(label=_("Second edition"))
    only_changed = forms.BooleanField(label=_("Only figures that differ"), required=False)


LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]

"""Forms of the finance pages; the rules themselves live in services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.finance.models import (
    Allocation,
    CateringContract,
    CostRate,
    Expenditure,
    FundingSource,
    MealRule,
    SettlementLine,
)
from eduboard.registry.board_data import BoardFieldMixin
from eduboard.registry.models import Institution, Municipality

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AllocationForm(ScopedFormMixin, VersionedModelForm):
    class Meta:
        model = Allocation
        fields = ["year", "institution", "institution_set", "purpose", "source", "amount", "note"]
        help_texts = {
            "institution": _("Either an institution …"),
            "institution_set": _("… or a group of institutions, e.g. all preschools."),
        }

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions if institutions is not None else Institution.objects.none()  # type: ignore[attr-defined]


class ExpenditureForm(VersionedModelForm):
    class Meta:
        model = Expenditure
        fields = ["date", "amount", "document", "description"]
        widgets = {"date": DATE}


class MealRuleForm(BoardFieldMixin, VersionedModelForm):
    class Meta:
        model = MealRule
        fields = [
            "board", "code", "name", "name_en", "name_ru", "rank", "level", "grade_from", "grade_to",
            "preparatory_year", "special_needs", "large_family", "ukrainian_civilian", "social_assistance",
            "declared_in_city",
            "requires_contract",
            "valid_from", "valid_until", "yearly_until", "price_per_day", "state_per_day", "municipal_per_day",
            "grounds", "grounds_en", "grounds_ru",
        ]  # fmt: skip
        widgets = {"valid_from": DATE, "valid_until": DATE}


class CateringContractForm(BoardFieldMixin, VersionedModelForm):
    class Meta:
        model = CateringContract
        fields = [
            "board", "serves", "status", "decided_on", "years", "total_amount", "procedure", "procedure_en",
            "procedure_ru", "note",
        ]  # fmt: skip
        widgets = {"decided_on": DATE}


class SettlementLineForm(BoardFieldMixin, VersionedModelForm):
    class Meta:
        model = SettlementLine
        fields = [
            "board", "municipality", "direction", "level", "period_start", "period_end", "learners", "months",
            "monthly_cost", "note",
        ]  # fmt: skip
        widgets = {"period_start": DATE, "period_end": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(is_home=False)  # type: ignore[attr-defined]


class AsOfForm(forms.Form):
    """The date money figures are computed for: the one asked for; else today, or the latest day with data
    (`latest`) when the current year has none yet (then `shows_latest` is true and the page says so)."""

    as_of = forms.DateField(label=_("As of"), widget=DATE, required=False)

    def __init__(self, *args: Any, latest: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.latest = latest
        self.shows_latest = False

    def as_of_date(self) -> date:
        if self.is_valid() and self.cleaned_data.get("as_of"):
            return self.cleaned_data["as_of"]  # type: ignore[no-any-return]
        day = timezone.localdate()
        if self.latest is not None and self.latest.year < day.year:
            self.shows_latest, day = True, self.latest
        self.initial["as_of"] = day  # the field shows the date the figures are for
        return day


class MealMonthForm(ScopedFormMixin, forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    month = forms.CharField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), help_text=_("YYYY-MM"))

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]

    def clean_month(self) -> date:
        text = self.cleaned_data["month"]
        try:
            return date.fromisoformat(f"{text}-01")
        except ValueError:
            raise forms.ValidationError(_("Write the month as YYYY-MM.")) from None


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("To"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end is before the start."))
        return data


class FundingSourceForm(BoardFieldMixin, VersionedModelForm):
    """A board's funding source: its code (what files name) and its name in three languages."""

    class Meta:
        model = FundingSource
        fields = ["board", "code", "name", "name_en", "name_ru"]


class CostRateForm(BoardFieldMixin, VersionedModelForm):
    """A board's approved cost of one learner a month for a year and a programme kind."""

    class Meta:
        model = CostRate
        fields = ["board", "year", "kind", "monthly_cost"]

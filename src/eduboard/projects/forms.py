"""Forms of the projects pages: a project, its tranche plan, a payment, prefinancing, a mobility, a deadline and a
document. Choices are narrowed to what the viewer may link to; edits carry the version they were made on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.projects.choices import DocumentKind
from eduboard.projects.models import Deadline, Mobility, Prefinancing, Project, Tranche
from eduboard.registry.models import Institution

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOCUMENT_TYPES = (".pdf", ".docx", ".doc", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png")
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


class ProjectForm(ScopedFormMixin, VersionedModelForm):
    institutions = forms.ModelMultipleChoiceField(
        label=_("Participating institutions"), queryset=Institution.objects.all(), required=False
    )

    class Meta:
        model = Project
        fields = [
            "reference", "title", "title_en", "title_ru", "programme", "action", "role", "coordinator",
            "coordinator_country", "institutions", "start_date", "end_date", "status", "grant", "city_share",
            "co_financing", "funding_source", "aims", "target_groups", "results", "publicity",
        ]  # fmt: skip
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "aims": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.Textarea(attrs={"rows": 2}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "publicity": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["institutions"] = list(self.instance.institutions.values_list("pk", flat=True))
        self.fields["city_share"].required = False
        if getattr(self.viewer, "sees_all_institutions", False) is not True:
            self.fields["institutions"].required = True


class TrancheRowForm(forms.Form):
    due_on = forms.DateField(label=_("Due date"), widget=DATE, required=False)
    share_percent = forms.DecimalField(
        label=_("Share (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    amount = forms.DecimalField(label=_("Amount (EUR)"), max_digits=14, decimal_places=2, min_value=0, required=False)


TranchePlanFormSet = forms.formset_factory(TrancheRowForm, extra=2, max_num=60)


class PaymentForm(ScopedFormMixin, forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount (EUR)"), max_digits=14, decimal_places=2, min_value=0.01)
    tranche: forms.ModelChoiceField[Tranche] = forms.ModelChoiceField(
        label=_("For the tranche"), queryset=Tranche.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tranche_field: Any = self.fields["tranche"]
        tranche_field.queryset = project.tranches.order_by("due_on")
        tranche_field.label_from_instance = lambda tranche: f"{tranche.due_on:%d.%m.%Y} — {tranche.amount} EUR"


class PrefinancingForm(VersionedModelForm):
    class Meta:
        model = Prefinancing
        fields = ["paid_on", "amount", "return_planned_on", "returned_on", "returned_amount"]
        widgets = {"paid_on": DATE, "return_planned_on": DATE, "returned_on": DATE}


class MobilityForm(VersionedModelForm):
    class Meta:
        model = Mobility
        fields = [
            "direction", "from_date", "to_date", "host_city", "host_country", "participants", "flow", "purpose",
            "status",
        ]  # fmt: skip
        widgets = {"from_date": DATE, "to_date": DATE}


class DeadlineForm(VersionedModelForm):
    class Meta:
        model = Deadline
        fields = ["title", "due_on", "done_on"]
        widgets = {"due_on": DATE, "done_on": DATE}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, OpenDocument or an image; at most 20 MB."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(DOCUMENT_TYPES):
            raise forms.ValidationError(_("Upload a PDF, Word, Excel, OpenDocument or image file."))
        if upload.size > DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class CalendarForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("To"), widget=DATE, required=False)

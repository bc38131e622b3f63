"""The centre's programme pages (the `centre_staff` role for its centre; the board reads all): student companies,
fairs, camps, hackathons, conferences and seminars, and partners. Each has a list (filters, sorting, CSV and XLSX)
and one form to add or edit a row; writes in `centre.services`, the figures in `centre.selectors.programme_figures`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.centre import services
from eduboard.centre.models import CentrePartner, Fair, ProgrammeEvent, StudentCompany
from eduboard.centre.programme_filters import FairFilter, PartnerFilter, ProgrammeEventFilter, StudentCompanyFilter
from eduboard.centre.programme_forms import FairForm, PartnerForm, ProgrammeEventForm, StudentCompanyForm
from eduboard.centre.rules import visitors_expression
from eduboard.centre.selectors import user_centre
from eduboard.core.exports import Column
from eduboard.core.views import ScopedListView, scoped_object


class _ProgrammeListView(PermissionRequiredMixin, ScopedListView):
    """A programme list: one page template, the table its own (also served alone to the filters' requests)."""

    template_name = "innovation/programme_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["partial_template"] = self.partial_template_name
        return context


class StudentCompanyListView(_ProgrammeListView):
    permission_required = "innovation.view_studentcompany"
    filterset_class = StudentCompanyFilter
    partial_template_name = "innovation/partials/company_table.html"
    sort_fields = {"name": "name", "school": "school_name", "founded": "founded_on"}
    default_sort = "name"
    export_filename = "student-companies"
    export_columns = [
        Column(gettext_lazy("Name"), lambda c: c.name),
        Column(gettext_lazy("School"), lambda c: c.school_name),
        Column(gettext_lazy("Members"), lambda c: c.members),
        Column(gettext_lazy("Products or services"), lambda c: c.products),
        Column(gettext_lazy("Founded on"), lambda c: c.founded_on),
        Column(gettext_lazy("Closed on"), lambda c: c.wound_up_on or ""),
        Column(gettext_lazy("Fairs"), lambda c: c.fair_count),
    ]
    queryset = StudentCompany.objects.annotate(fair_count=Count("fairs"))
    extra_context = {
        "heading": gettext_lazy("Student companies"),
        "intro": gettext_lazy(
            "Student companies (SMU) the centre mentors: their school, members and products. A company counts in "
            "the figures from the day it was founded until the day it closed."
        ),
        "add_url": "innovation:company_add",
        "add_permission": "innovation.add_studentcompany",
        "add_label": gettext_lazy("New student company"),
    }


class FairListView(_ProgrammeListView):
    permission_required = "innovation.view_fair"
    filterset_class = FairFilter
    partial_template_name = "innovation/partials/fair_table.html"
    sort_fields = {"date": "date", "title": "title"}
    default_sort = "-date"
    export_filename = "fairs"
    export_columns = [
        Column(gettext_lazy("Date"), lambda f: f.date),
        Column(gettext_lazy("Title"), lambda f: f.title),
        Column(gettext_lazy("Place"), lambda f: f.place),
        Column(gettext_lazy("Companies"), lambda f: f.company_count),
        Column(gettext_lazy("Visitors"), lambda f: f.visitors),
    ]
    queryset = Fair.objects.annotate(company_count=Count("companies"))
    extra_context = {
        "heading": gettext_lazy("Student companies' fairs"),
        "intro": gettext_lazy("Fairs where student companies sold their products, and the companies that took part."),
        "add_url": "innovation:fair_add",
        "add_permission": "innovation.add_fair",
        "add_label": gettext_lazy("New fair"),
    }


class ProgrammeEventListView(_ProgrammeListView):
    permission_required = "innovation.view_programmeevent"
    filterset_class = ProgrammeEventFilter
    partial_template_name = "innovation/partials/programme_event_table.html"
    sort_fields = {"date": "starts_on", "title": "title"}
    default_sort = "-date"
    export_filename = "camps-hackathons-conferences"
    export_columns = [
        Column(gettext_lazy("First day"), lambda e: e.starts_on),
        Column(gettext_lazy("Last day"), lambda e: e.ends_on),
        Column(gettext_lazy("Kind"), lambda e: e.kind),
        Column(gettext_lazy("Title"), lambda e: e.title),
        Column(gettext_lazy("Place"), lambda e: e.place),
        Column(gettext_lazy("Learners"), lambda e: e.learners),
        Column(gettext_lazy("Teachers"), lambda e: e.teachers),
        Column(gettext_lazy("Parents"), lambda e: e.parents),
        Column(gettext_lazy("Seniors"), lambda e: e.seniors),
        Column(gettext_lazy("Other adults"), lambda e: e.other_adults),
        Column(gettext_lazy("Children under school age"), lambda e: e.children_under_school_age),
        Column(gettext_lazy("Participants in all"), lambda e: e.participants),
        Column(gettext_lazy("Partners"), lambda e: e.partner_count),
    ]
    queryset = ProgrammeEvent.objects.annotate(participants=visitors_expression(), partner_count=Count("partners"))
    extra_context = {
        "heading": gettext_lazy("Camps, hackathons, conferences and seminars"),
        "intro": gettext_lazy(
            "The centre's own events beyond its catalogue, with their participants by kind and the partners that "
            "took part."
        ),
        "add_url": "innovation:programme_event_add",
        "add_permission": "innovation.add_programmeevent",
        "add_label": gettext_lazy("New camp, hackathon, conference or seminar"),
    }


class PartnerListView(_ProgrammeListView):
    permission_required = "innovation.view_centrepartner"
    filterset_class = PartnerFilter
    partial_template_name = "innovation/partials/partner_table.html"
    sort_fields = {"name": "name", "country": "country", "since": "since"}
    default_sort = "name"
    export_filename = "centre-partners"
    export_columns = [
        Column(gettext_lazy("Organisation"), lambda p: p.name),
        Column(gettext_lazy("Country"), lambda p: p.country.code),
        Column(gettext_lazy("Kind"), lambda p: p.kind),
        Column(gettext_lazy("What they do together"), lambda p: p.cooperation),
        Column(gettext_lazy("Partner since"), lambda p: p.since or ""),
        Column(gettext_lazy("Partner until"), lambda p: p.until or ""),
        Column(gettext_lazy("Projects"), lambda p: ";".join(project.reference for project in p.projects.all())),
    ]
    queryset = CentrePartner.objects.prefetch_related("projects")
    extra_context = {
        "heading": gettext_lazy("Partners of the centre"),
        "intro": gettext_lazy(
            "Organisations the centre works with, what they do together, and the centre's projects they share."
        ),
        "add_url": "innovation:partner_add",
        "add_permission": "innovation.add_centrepartner",
        "add_label": gettext_lazy("New partner"),
    }


@dataclass(frozen=True)
class _Editor:
    """How one kind of programme row is edited: its form, its service (the row's many-to-many fields passed on by
    name) and the page it returns to."""

    model: type[Model]
    form: type[Any]
    save: Callable[..., Any]
    keyword: str
    many: tuple[str, ...]
    list_url: str
    title: Promise


EDITORS = {
    "company": _Editor(StudentCompany, StudentCompanyForm, services.student_company_save, "company", (),
                       "innovation:company_list", gettext_lazy("Student company")),
    "fair": _Editor(Fair, FairForm, services.fair_save, "fair", ("companies",), "innovation:fair_list",
                    gettext_lazy("Fair")),
    "programme_event": _Editor(ProgrammeEvent, ProgrammeEventForm, services.programme_event_save, "event",
                               ("partners",), "innovation:programme_event_list",
                               gettext_lazy("Camp, hackathon, conference or seminar")),
    "partner": _Editor(CentrePartner, PartnerForm, services.partner_save, "partner", ("projects",),
                       "innovation:partner_list", gettext_lazy("Partner of the centre")),
}  # fmt: skip


def programme_edit_view(request: HttpRequest, what: str, pk: int | None = None) -> HttpResponse:
    """Add or edit one programme row of the viewer's centre (reading it needs the view permission; saving, the add
    or change one)."""
    editor = EDITORS[what]
    opts = editor.model._meta
    row = scoped_object(request, editor.model, pk=pk) if pk else None
    if not request.user.has_perm(f"{opts.app_label}.{'view' if row else 'add'}_{opts.model_name}"):
        raise PermissionDenied
    can_change = request.user.has_perm(f"{opts.app_label}.{'change' if row else 'add'}_{opts.model_name}")
    centre = row.centre if row is not None else user_centre(viewer=request.user)
    if centre is None:
        raise PermissionDenied(_("Your scope holds no innovation centre."))
    form = editor.form(request.POST or None, instance=row, viewer=request.user, centre_id=centre.pk)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            edited = form.save(commit=False)
            edited.centre = centre
            many = {name: form.cleaned_data[name] for name in editor.many}
            try:
                editor.save(viewer=request.user, expected_version=form.edited_version(), **{editor.keyword: edited},
                            **many)  # fmt: skip
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("Saved."))
                return redirect(editor.list_url)
    return render(
        request,
        "innovation/programme_form.html",
        {"form": form, "row": row, "title": editor.title, "list_url": editor.list_url, "can_change": can_change},
    )

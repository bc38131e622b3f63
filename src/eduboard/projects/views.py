"""Pages of the projects area: the portfolio, a project's page (budget, tranches, payments, prefinancing,
mobilities, expenditures, documents), its forms, the calendar of deadlines, partner countries and mobilities."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from eduboard.core.exports import Column, table_response
from eduboard.core.forms import add_service_error
from eduboard.core.translated import localized
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.projects import selectors, services
from eduboard.projects.filters import MobilityFilter, ProjectFilter
from eduboard.projects.forms import (
    CalendarForm,
    DeadlineForm,
    DocumentForm,
    MobilityForm,
    PaymentForm,
    PrefinancingForm,
    ProjectForm,
    TranchePlanFormSet,
)
from eduboard.projects.models import Deadline, Mobility, Prefinancing, Project, ProjectDocument


def _institutions(project: Project) -> str:
    return "; ".join(i.short_name or i.name for i in project.institutions.all())


class ProjectListView(PermissionRequiredMixin, ScopedListView):
    """The portfolio: the projects of the user's institutions (the board: all); filter, sort, export."""

    permission_required = "projects.view_project"
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    partial_template_name = "projects/partials/project_table.html"
    sort_fields = {"start": "start_date", "reference": "reference", "grant": "grant", "status": "status"}
    default_sort = "-start"
    export_filename = "projects"
    export_columns = [
        Column(gettext_lazy("Reference number"), lambda p: p.reference),
        Column(gettext_lazy("Title"), lambda p: p.title),
        Column(gettext_lazy("Programme"), lambda p: p.programme.name),
        Column(gettext_lazy("Role of the city"), lambda p: p.get_role_display()),
        Column(gettext_lazy("Coordinator"), lambda p: p.coordinator),
        Column(gettext_lazy("Country"), lambda p: p.coordinator_country.code if p.coordinator_country else ""),
        Column(gettext_lazy("Start date"), lambda p: p.start_date),
        Column(gettext_lazy("End date"), lambda p: p.end_date),
        Column(gettext_lazy("Status"), lambda p: p.get_status_display()),
        Column(gettext_lazy("Total grant (EUR)"), lambda p: p.grant),
        Column(gettext_lazy("The city's share (EUR)"), lambda p: p.city_share),
        Column(gettext_lazy("Institutions"), _institutions),
    ]

    queryset = Project.objects.select_related("programme").prefetch_related("institutions")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("projects.add_project")
        context["stats"] = selectors.projects_stats(as_of=timezone.localdate(), visible_to=self.request.user)
        return context


def _project(request: HttpRequest, pk: int, *, editing: bool = False) -> Project:
    project: Project = scoped_object(
        request, Project.objects.select_related("programme", "funding_source"), editing=editing, pk=pk
    )
    return project


@permission_required("projects.view_project", raise_exception=True)
def project_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A project: facts, partners, budget (tranches received and due, payments), prefinancing, mobilities,
    expenditures of its funding source, deadlines and documents; record a payment received."""
    project = _project(request, pk)
    can_change = request.user.has_perm("projects.change_project")
    today = timezone.localdate()
    payment_form = PaymentForm(
        request.POST or None, project=project, initial={"received_on": today}, viewer=request.user
    )
    if request.method == "POST":
        if not request.user.has_perm("projects.add_payment"):
            raise PermissionDenied
        project = _project(request, pk, editing=True)
        if payment_form.is_valid():
            data = payment_form.cleaned_data
            try:
                services.payment_record(
                    project=project,
                    received_on=data["received_on"],
                    amount=data["amount"],
                    tranche=data["tranche"],
                    note=data["note"],
                    viewer=request.user,
                )
            except ValidationError as error:
                add_service_error(payment_form, error)
            else:
                messages.success(request, _("The payment was recorded."))
                return redirect(project.get_absolute_url())
    budget = selectors.project_budget(project=project, as_of=max(today, project.end_date))
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "budget": budget,
            "partners": project.partners.all(),
            "institutions": project.institutions.all(),
            "mobilities": project.mobilities.all(),
            "deadlines": project.deadlines.all(),
            "documents": project.documents.all(),
            "assets": list(
                scoped_rows(request, project.assets.all())
                .annotate(kind_name=localized("kind__name", project.assets.model))
                .values_list("kind_name")
                .annotate(n=Count("pk"))
                .order_by("kind_name")
            ),
            "payment_form": payment_form if request.user.has_perm("projects.add_payment") else None,
            "can_change": can_change,
        },
    )


@permission_required("projects.view_project", raise_exception=True)
def project_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a project or edit one (the version it was read at travels with the form)."""
    project = _project(request, pk, editing=True) if pk else None
    if not request.user.has_perm("projects.change_project" if project else "projects.add_project"):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        edited: Project = form.save(commit=False)
        try:
            services.project_save(
                project=edited,
                viewer=request.user,
                institutions=form.cleaned_data["institutions"],
                expected_version=form.edited_version(),
            )
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect(edited.get_absolute_url())
    return render(request, "projects/form.html", {"form": form, "project": project, "title": _("Project")})


@permission_required("projects.change_project", raise_exception=True)
def tranche_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The tranche plan as a whole: a share in % or an amount a tranche; shares add up to 100 %, amounts to the
    city's share."""
    project = _project(request, pk, editing=True)
    initial = [
        {"due_on": t.due_on, "share_percent": t.share_percent, "amount": t.amount}
        for t in project.tranches.order_by("due_on")
    ]
    formset = TranchePlanFormSet(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and formset.is_valid():
        rows = [row for row in formset.cleaned_data if row and row.get("due_on")]
        try:
            services.tranche_plan_set(
                project=project,
                tranches=[
                    services.PlannedTranche(row["due_on"], row.get("share_percent"), row.get("amount")) for row in rows
                ],
                version=int(request.POST.get("version") or 0),
                viewer=request.user,
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("The tranche plan was saved."))
            return redirect(project.get_absolute_url())
    return render(request, "projects/tranche_plan.html", {"project": project, "formset": formset, "error": error})


def _child_form(
    request: HttpRequest,
    model: type[Any],
    form_class: type[Any],
    save: Any,
    title: str,
    *,
    project_pk: int | None = None,
    child_pk: int | None = None,
) -> HttpResponse:
    """A form of a project's row: a new one of the project `project_pk`, or the row `child_pk` (in the viewer's
    scope, like its project)."""
    if child_pk is not None:
        instance = scoped_object(request, model, editing=True, pk=child_pk)
        project = _project(request, instance.project_id, editing=True)
    else:
        project = _project(request, project_pk or 0, editing=True)
        instance = model(project=project)
    label = model._meta.model_name
    if not request.user.has_perm(f"projects.{'change' if child_pk else 'add'}_{label}"):
        raise PermissionDenied
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        edited.project = project
        try:
            save(edited, form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect(project.get_absolute_url())
    return render(request, "projects/form.html", {"form": form, "project": project, "title": title})


def _save_mobility(mobility: Mobility, version: int | None) -> None:
    services.mobility_save(mobility=mobility, expected_version=version)


def _save_prefinancing(prefinancing: Prefinancing, version: int | None) -> None:
    services.prefinancing_save(prefinancing=prefinancing, expected_version=version)


def _save_deadline(deadline: Deadline, version: int | None) -> None:
    services.deadline_save(deadline=deadline, expected_version=version)


def mobility_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a mobility to a project (within the project's dates)."""
    return _child_form(request, Mobility, MobilityForm, _save_mobility, _("Mobility"), project_pk=pk)


def mobility_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a mobility."""
    return _child_form(request, Mobility, MobilityForm, _save_mobility, _("Mobility"), child_pk=pk)


def prefinancing_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the city's prefinancing of a project."""
    return _child_form(request, Prefinancing, PrefinancingForm, _save_prefinancing, _("Prefinancing"), project_pk=pk)


def prefinancing_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the city's prefinancing of a project (its return)."""
    return _child_form(request, Prefinancing, PrefinancingForm, _save_prefinancing, _("Prefinancing"), child_pk=pk)


def deadline_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a deadline to a project (a report due, …)."""
    return _child_form(request, Deadline, DeadlineForm, _save_deadline, _("Deadline"), project_pk=pk)


def deadline_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a deadline (mark it done)."""
    return _child_form(request, Deadline, DeadlineForm, _save_deadline, _("Deadline"), child_pk=pk)


@permission_required("projects.change_project", raise_exception=True)
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep a document with the project: the grant agreement, a report."""
    project = _project(request, pk, editing=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.document_add(project=project, viewer=request.user, **form.cleaned_data)
        messages.success(request, _("The document was kept with the project."))
        return redirect(project.get_absolute_url())
    return render(
        request, "projects/form.html", {"form": form, "project": project, "title": _("Document"), "upload": True}
    )


@permission_required("projects.view_project", raise_exception=True)
def document_download_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A document of a project the user sees (never a public address)."""
    document = scoped_object(request, ProjectDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


@permission_required("projects.view_project", raise_exception=True)
def calendar_view(request: HttpRequest) -> HttpResponse:
    """Deadlines, tranches due and mobilities between two dates (by default a month back and a year on)."""
    today = timezone.localdate()
    form = CalendarForm(request.GET or None)
    date_from, date_to = today - timedelta(days=31), today + timedelta(days=365)
    if form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
    entries = selectors.deadline_calendar(visible_to=request.user, date_from=date_from, date_to=date_to)
    if request.GET.get("export") in ("csv", "xlsx"):
        columns = [
            Column(gettext_lazy("Date"), lambda e: e.day),
            Column(gettext_lazy("Kind"), lambda e: e.kind),
            Column(gettext_lazy("What"), lambda e: e.what),
            Column(gettext_lazy("Reference number"), lambda e: e.project.reference),
            Column(gettext_lazy("Done"), lambda e: _("yes") if e.done else _("no")),
        ]
        return table_response(filename="project-calendar", fmt=request.GET["export"], columns=columns, rows=entries)
    return render(
        request,
        "projects/calendar.html",
        {"form": form, "entries": entries, "date_from": date_from, "date_to": date_to, "today": today},
    )


@permission_required("projects.view_project", raise_exception=True)
def countries_view(request: HttpRequest) -> HttpResponse:
    """Partner countries: how many projects (not rejected) each country takes part in, as coordinator or partner."""
    counts = selectors.partner_countries(projects=scoped_rows(request, Project))
    rows = [(code, countries.name(code), count) for code, count in counts.items()]
    if request.GET.get("export") in ("csv", "xlsx"):
        columns = [
            Column(gettext_lazy("Country code"), lambda row: row[0]),
            Column(gettext_lazy("Country"), lambda row: row[1]),
            Column(gettext_lazy("Projects"), lambda row: row[2]),
        ]
        return table_response(filename="partner-countries", fmt=request.GET["export"], columns=columns, rows=rows)
    top = max((count for *_rest, count in rows), default=0)
    return render(request, "projects/countries.html", {"rows": rows, "top": top})


class MobilityListView(PermissionRequiredMixin, ScopedListView):
    """Mobilities of the user's projects; filter, sort, export."""

    permission_required = "projects.view_mobility"
    filterset_class = MobilityFilter
    template_name = "projects/mobility_list.html"
    partial_template_name = "projects/partials/mobility_table.html"
    sort_fields = {"from": "from_date", "participants": "participants"}
    default_sort = "-from"
    export_filename = "mobilities"
    export_columns = [
        Column(gettext_lazy("Reference number"), lambda m: m.project.reference),
        Column(gettext_lazy("Direction"), lambda m: m.get_direction_display()),
        Column(gettext_lazy("From"), lambda m: m.from_date),
        Column(gettext_lazy("To"), lambda m: m.to_date),
        Column(gettext_lazy("Host city"), lambda m: m.host_city),
        Column(gettext_lazy("Host country"), lambda m: m.host_country.code),
        Column(gettext_lazy("Participants"), lambda m: m.participants),
        Column(gettext_lazy("Flow"), lambda m: m.get_flow_display()),
        Column(gettext_lazy("Status"), lambda m: m.get_status_display()),
    ]

    queryset = Mobility.objects.select_related("project")

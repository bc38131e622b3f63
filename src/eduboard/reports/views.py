"""Pages of the reports area: the home dashboard, report editions, their narrative, comparison and files."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eduboard.core import stored_files
from eduboard.core.forms import add_service_error
from eduboard.core.views import scoped_object, scoped_rows
from eduboard.quality.models import SelfAssessment
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from eduboard.registry.selectors import default_as_of, institutions_by_type, reporting_school_year
from eduboard.reports import jobs, services
from eduboard.reports.forms import CompareForm, EditionCreateForm, NarrativeForm
from eduboard.reports.models import FileJob, ReportEdition
from eduboard.reports.present import Table as PresentedTable
from eduboard.reports.present import narrative_slots, present, present_block
from eduboard.reports.renderers import FORMATS
from eduboard.reports.selectors import (
    dashboard_figures,
    edition_content,
    edition_files,
    editions_compare,
    file_job_readable,
)


def _as_of(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return default_as_of()


@login_not_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Visitors see the public landing page; signed-in users their dashboard: the report's key figures, scoped."""
    if not request.user.is_authenticated:
        return render(request, "reports/landing.html")
    as_of = _as_of(request)
    # The board's own institutions working on the reporting day (a closed one is not the city's any more); the
    # state-founded ones in the registry are counted apart (InstitutionQuerySet.boards_own).
    counts = institutions_by_type(as_of=as_of, visible_to=request.user, boards_own=True)
    state_founded = sum(institutions_by_type(as_of=as_of, visible_to=request.user).values()) - sum(counts.values())
    rows = [(label, counts.get(code, 0)) for code, label in InstitutionType.choices if counts.get(code)]
    sees_all = getattr(request.user, "sees_all_institutions", False)
    own = [] if sees_all else list(scoped_rows(request, Institution))
    key: dict[str, Any] = {}
    tables: list[PresentedTable] = []
    withheld = False
    if sees_all or own:
        figures = dashboard_figures(as_of=as_of, visible_to=request.user)
        key = {"figures": present_block({"type": "figures", "items": figures["figures"]}, {}).items}
        tables = [present_block(table, {}).table for table in figures["tables"]]  # type: ignore[misc]
        key["school_year"] = figures["school_year"]
        withheld = figures["withheld"]
    latest = scoped_rows(request, ReportEdition.objects.select_related("school_year")).first()
    return render(
        request,
        "reports/dashboard.html",
        {
            "type_rows": rows,
            "institution_total": sum(counts.values()),
            "state_founded_total": state_founded,
            "own_institutions": own,
            "sees_all": sees_all,
            "as_of": as_of,
            "key": key,
            "tables": tables,
            "charts": {table.chart.id: table.chart.spec() for table in tables if table and table.chart},
            "latest_edition": latest,
            "withheld": withheld,
        },
    )


def _can_write(user: Any) -> bool:
    return services.board_writes_reports(viewer=user)


def _edition(request: HttpRequest, pk: int) -> ReportEdition:
    edition: ReportEdition = scoped_object(request, ReportEdition.objects.select_related("school_year"), pk=pk)
    return edition


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@permission_required("reports.view_reportedition", raise_exception=True)
def edition_list_view(request: HttpRequest) -> HttpResponse:
    """Editions of the board's reports (drafts only for the board); the board starts a new one here."""
    can_write = _can_write(request.user)
    # The form opens on the default date of every page and the school year that date's figures describe (the
    # year a draft is published in: `services.edition_publish` holds them to the same rule).
    as_of = default_as_of()
    initial = {"as_of": as_of, "school_year": reporting_school_year(as_of=as_of)}
    form = EditionCreateForm(request.POST or None, initial=initial, viewer=request.user)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                edition = services.edition_create(
                    school_year=form.cleaned_data["school_year"],
                    as_of=form.cleaned_data["as_of"],
                    title=form.cleaned_data["title"],
                    dates=form.area_dates(),
                    viewer=request.user,
                    board=form.cleaned_data.get("board"),
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("A draft edition was started."))
                return redirect(edition)
    editions = scoped_rows(request, ReportEdition.objects.select_related("school_year", "based_on"))
    return render(
        request,
        "reports/edition_list.html",
        {"editions": editions, "form": form, "can_write": can_write, "compare_form": CompareForm()},
    )


@permission_required("reports.view_reportedition", raise_exception=True)
def edition_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The report in the browser: a draft's figures computed now, a published one's as frozen; charts with tables;
    the files made of it, and the viewer's files still being made (htmx asks for those again until they are made)."""
    edition = _edition(request, pk)
    files = {
        "edition": edition,
        "files": edition_files(edition=edition, viewer=request.user),
        "running": jobs.edition_jobs_running(edition=edition, viewer=request.user),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "reports/partials/edition_files.html", files)
    content = edition_content(edition=edition, viewer=request.user)
    report = present(content, edition.narrative, title=edition.title)
    tables = report.tables()
    others = scoped_rows(request, ReportEdition.objects.select_related("school_year")).exclude(pk=edition.pk)
    return render(
        request,
        "reports/edition_detail.html",
        {
            "edition": edition,
            "report": report,
            "charts": {table.chart.id: table.chart.spec() for table in tables if table.chart},
            "can_write": _can_write(request.user),
            "formats": list(FORMATS),
            "languages": settings.LANGUAGES,
            "others": others,
            **files,
        },
    )


@permission_required("reports.change_reportedition", raise_exception=True)
def edition_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the edition's narrative; a save made on a stale copy is refused with a message, nothing lost silently."""
    if not _can_write(request.user):
        raise PermissionDenied
    edition = _edition(request, pk)
    if edition.is_published:
        messages.error(request, _("A published edition is frozen; start a new edition from it to change it."))
        return redirect(edition)
    slots = narrative_slots(edition_content(edition=edition, viewer=request.user))
    initial: dict[str, Any] = {"version": edition.version, "title": edition.title}
    initial.update(edition.area_dates())
    initial.update({f"slot:{slot}": edition.narrative.get(slot, "") for slot, _s, _l in slots})
    form = NarrativeForm(request.POST or None, initial=initial, slots=slots)
    if request.method == "POST" and form.is_valid():
        try:
            services.edition_update(
                edition_id=edition.pk,
                version=form.cleaned_data["version"],
                narrative=form.narrative(),
                title=form.cleaned_data["title"],
                dates=form.area_dates(),
                viewer=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The text of the edition was saved."))
            return redirect(edition)
    return render(request, "reports/edition_edit.html", {"edition": edition, "form": form})


@permission_required("reports.change_reportedition", raise_exception=True)
@require_POST
def edition_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Publish a draft, start a new edition from a published one, or delete a draft."""
    if not _can_write(request.user):
        raise PermissionDenied
    edition = _edition(request, pk)
    version = _version(request)
    if version is None:
        messages.error(request, _("The form was out of date; reload the page and try again."))
        return redirect(edition)
    try:
        if action == "publish":
            services.edition_publish(edition_id=edition.pk, version=version, viewer=request.user)
            messages.success(request, _("The edition is published; its figures and text are frozen."))
        elif action == "start-from":
            new = services.edition_start_from(source=edition, viewer=request.user)
            messages.success(request, _("A new draft edition was started from this one."))
            return redirect(new)
        elif action == "delete":
            services.edition_delete(edition_id=edition.pk, version=version, viewer=request.user)
            messages.success(request, _("The draft was deleted."))
            return redirect("reports:edition_list")
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(edition)


@permission_required("reports.view_reportedition", raise_exception=True)
def edition_compare_view(request: HttpRequest) -> HttpResponse:
    """Two editions figure by figure, with the difference."""
    form = CompareForm(request.GET or None)
    rows = []
    first = second = None
    if form.is_valid():
        first = _edition(request, form.cleaned_data["first"])
        second = _edition(request, form.cleaned_data["second"])
        rows = editions_compare(
            first=edition_content(edition=first, viewer=request.user),
            second=edition_content(edition=second, viewer=request.user),
            only_changed=form.cleaned_data["only_changed"],
        )
    editions = scoped_rows(request, ReportEdition.objects.select_related("school_year"))
    return render(
        request,
        "reports/edition_compare.html",
        {
            "form": form,
            "rows": rows,
            "first": first,
            "second": second,
            "editions": editions,
            "changed": sum(row.changed for row in rows),
        },
    )


@require_POST
@permission_required("reports.view_reportedition", raise_exception=True)
def edition_download_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Start making the edition's file (PDF, DOCX, XLSX or HTML) in a language; the job page shows progress."""
    if fmt not in FORMATS:
        raise Http404
    edition = _edition(request, pk)
    language = request.POST.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    job = jobs.render_job_start(edition=edition, fmt=fmt, language=language, user=request.user)
    return redirect("reports:job", job_id=job.pk)


@require_POST
@permission_required("quality.view_selfassessment", raise_exception=True)
def self_assessment_file_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Start building an institution's self-assessment report (PDF, DOCX, XLSX or HTML) from the data: a head
    their own institution's, the board any; the job page shows progress."""
    if fmt not in FORMATS:
        raise Http404
    assessment = scoped_object(request, SelfAssessment, pk=pk)
    language = request.POST.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    job = jobs.self_assessment_job_start(assessment=assessment, fmt=fmt, language=language, user=request.user)
    return redirect("reports:job", job_id=job.pk)


def _job(request: HttpRequest, job_id: str) -> tuple[FileJob, dict[str, Any]]:
    """The caller's own job (only they follow how far it is) and its state."""
    job = scoped_rows(request, FileJob.objects.select_related("edition__school_year")).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job, jobs.job_state(job)


def job_view(request: HttpRequest, job_id: str) -> HttpResponse:
    """How far the file is; htmx asks again every second until it is ready. The page links back to what the file
    is made of (the edition, where the file stays listed, or the self-assessment)."""
    job, state = _job(request, job_id)
    template = "reports/partials/job_progress.html" if request.htmx else "reports/job.html"  # type: ignore[attr-defined]
    return render(request, template, {"state": state, "job_id": job_id, "job": job})


def job_file_view(request: HttpRequest, job_id: str) -> FileResponse:
    """The finished file: to the user who asked for it and, for an edition's file, to its other readers whose role
    includes every figure it holds (`selectors.file_jobs_readable`)."""
    job = file_job_readable(job_id=job_id, viewer=request.user)
    if job is None:
        raise Http404
    state = jobs.job_state(job)
    name = jobs.job_file(job)
    if state.get("status") != "done" or not stored_files.exists(name):
        raise Http404
    return FileResponse(
        stored_files.open_stored(name),
        as_attachment=True,
        filename=state["filename"],
        content_type=FORMATS[state["fmt"]],
    )

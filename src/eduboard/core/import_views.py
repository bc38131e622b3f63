"""Import pages shared by every area: pick a kind, upload, watch the progress bar, read the errors."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from eduboard.core.audit import audit_export
from eduboard.core.jobs import IMPORT_KINDS, import_job_start, job_progress
from eduboard.core.models import ImportJob


class UploadForm(forms.Form):
    """A CSV or XLSX file to import."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("CSV: UTF-8, comma-separated, header row. XLSX: the first sheet, header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        return uploaded


def _kinds_for(request: HttpRequest) -> list[tuple[str, str, type]]:
    return [
        (area, kind, importer)
        for (area, kind), importer in sorted(IMPORT_KINDS.items())
        if request.user.has_perm(importer.permission)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def import_start_view(request: HttpRequest, area: str, kind: str) -> HttpResponse:
    """Upload a file of one kind; the job page then shows its progress and result."""
    importer = IMPORT_KINDS.get((area, kind))
    if importer is None:
        raise Http404
    if not request.user.has_perm(importer.permission):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        job = import_job_start(area=area, kind=kind, uploaded=uploaded, filename=uploaded.name, user=request.user)
        return redirect("core:import_job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by_id=request.user.pk, area=area, kind=kind)[:10]
    return render(
        request,
        "core/import_start.html",
        {
            "form": form,
            "area": area,
            "kind": kind,
            "importer": importer,
            "kinds": _kinds_for(request),
            "recent": recent,
        },
    )


@login_required
@require_GET
def import_index_view(request: HttpRequest) -> HttpResponse:
    """The kinds of file this user may import, with their templates."""
    kinds = _kinds_for(request)
    if not kinds:
        raise PermissionDenied
    return render(request, "core/import_index.html", {"kinds": kinds})


@login_required
@require_GET
def import_template_view(request: HttpRequest, area: str, kind: str, fmt: str) -> HttpResponse:
    """The template of one kind: header, an example row, and (XLSX) a sheet of allowed codes."""
    importer = IMPORT_KINDS.get((area, kind))
    if importer is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            importer.template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    """The job, for the user who sent it or one who may see every import; 404 for anyone else."""
    job = get_object_or_404(ImportJob, pk=pk)
    if job.created_by_id != request.user.pk and not request.user.has_perm("core.view_importjob"):
        raise Http404
    return job


@login_required
@require_GET
def import_changes_view(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The per-row change log of a finished import, as CSV; every download is in the audit trail."""
    job = _job_for(request, pk)
    path = Path(job.change_log_path) if job.change_log_path else None
    if path is None or not path.is_file():
        raise Http404
    audit_export(request=request, model=ImportJob, fmt=f"change log of import {job.pk}", rows=job.change_log_entries)

    def lines() -> Iterator[bytes]:
        with gzip.open(path, "rb") as handle:
            yield from iter(lambda: handle.read(1 << 16), b"")

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-changes.csv"'
    return response


@login_required
@require_GET
def import_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: a progress bar while it runs (htmx polls the partial), then the result or every error."""
    job = _job_for(request, pk)
    context = {"job": job, "progress": job_progress(job)}
    template = "core/partials/import_progress.html" if getattr(request, "htmx", False) else "core/import_job.html"
    return render(request, template, context)

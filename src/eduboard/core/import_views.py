"""Import pages shared by every area: pick a kind, upload, watch the progress bar, read the errors."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eduboard.core import stored_files, uploads
from eduboard.core.audit import audit_export
from eduboard.core.jobs import (
    IMPORT_KINDS,
    PreviewOutdated,
    UploadNotStored,
    import_job_confirm,
    import_job_retry,
    import_job_start,
    job_lease_check,
    job_progress,
)
from eduboard.core.models import ImportJob
from eduboard.core.views import scoped_object, scoped_rows


class UploadForm(forms.Form):
    """A CSV or XLSX file to import, looked at before it is taken (`eduboard.core.uploads`): too big, not a CSV
    or XLSX file, not in its encoding, or an XLSX that unpacks too big, and the page says so at once."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=uploads.ENCODING_CHOICES,
        required=False,
        help_text=_("Keep the automatic choice unless the page says the file is Windows-1257 (cp1257)."),
    )

    def __init__(self, *args: Any, max_bytes: int | None = None, **kwargs: Any) -> None:
        """`max_bytes`: a smaller limit than settings.IMPORT_MAX_UPLOAD_BYTES for this upload, if any (the
        view passes `uploads.max_upload_bytes_for(request.user)`)."""
        super().__init__(*args, **kwargs)
        limit = uploads.max_upload_bytes()
        self.max_bytes = min(limit, max_bytes) if max_bytes is not None else limit
        self.fields["file"].help_text = _(
            "CSV: UTF-8, a header row, separated by commas, or by semicolons or tabs as Excel saves it. "
            "XLSX: the first sheet, a header row. At most %(limit)s."
        ) % {"limit": filesizeformat(self.max_bytes)}

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if uploaded.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(limit)s can be imported at once.")
                % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(self.max_bytes)}
            )
        return uploaded

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        uploaded = cleaned.get("file")
        if uploaded is not None:
            fmt = "xlsx" if uploaded.name.lower().endswith(".xlsx") else "csv"
            handle = uploaded.file
            try:
                uploads.check_upload(handle, size=uploaded.size, fmt=fmt, encoding=cleaned.get("encoding"))
            except uploads.FileRefused as refused:
                where = _("Line %d: ") % refused.row if refused.row > 0 else ""
                self.add_error("file", where + capfirst(refused.message))
            finally:
                handle.seek(0)
        return cleaned


def _kinds_for(request: HttpRequest) -> list[tuple[str, str, type]]:
    return [
        (area, kind, importer)
        for (area, kind), importer in sorted(IMPORT_KINDS.items())
        if request.user.has_perm(importer.permission)
    ]


@require_http_methods(["GET", "POST"])
def import_start_view(request: HttpRequest, area: str, kind: str) -> HttpResponse:
    """Upload a file of one kind; the job page then shows its progress and result."""
    importer = IMPORT_KINDS.get((area, kind))
    if importer is None:
        raise Http404
    if not request.user.has_perm(importer.permission):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, max_bytes=uploads.max_upload_bytes_for(request.user))
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            job = import_job_start(
                area=area,
                kind=kind,
                uploaded=uploaded,
                filename=uploaded.name,
                user=request.user,
                encoding=form.cleaned_data.get("encoding") or "",
                preview=request.POST.get("action") == "preview",  # the page's first button; "import" saves at once
            )
        except UploadNotStored as refused:  # a full disk: said on the form, the job failed, nothing queued
            form.add_error("file", str(refused))
        else:
            return redirect("core:import_job", pk=job.pk)
    recent = scoped_rows(request, ImportJob, editing=True).filter(area=area, kind=kind)[:10]  # their own
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


@require_GET
def import_index_view(request: HttpRequest) -> HttpResponse:
    """The kinds of file this user may import, with their templates."""
    kinds = _kinds_for(request)
    if not kinds:
        raise PermissionDenied
    return render(request, "core/import_index.html", {"kinds": kinds})


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


def _job_for(request: HttpRequest, pk: int, *, editing: bool = False) -> ImportJob:
    """The job within the user's scope (`ImportJob.objects.visible_to`: their own, and their board's for a role
    that reads imports; `editing`: their own only); 404 for any other, exactly like a missing one. A job whose
    worker stopped is marked failed here (`job_lease_check`)."""
    job: ImportJob = scoped_object(request, ImportJob, editing=editing, pk=pk)
    return job_lease_check(job)


@require_POST
def import_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed import again on the same file (while it is kept), as a new job."""
    job = _job_for(request, pk, editing=True)  # only the one who sent the file retries it, in their own scope
    try:
        retry = import_job_retry(job, user=request.user)
    except FileNotFoundError:
        messages.error(request, _("The file of this import is no longer kept; upload it again."))
        return redirect("core:import_job", pk=job.pk)
    except UploadNotStored as refused:
        messages.error(request, str(refused))
        return redirect("core:import_job", pk=job.pk)
    return redirect("core:import_job", pk=retry.pk)


@require_POST
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a previewed file, exactly as previewed: refused, with the file kept to preview again, if the data it
    reads changed in between."""
    job = _job_for(request, pk, editing=True)  # only the one who sent the file confirms it, in their own scope
    if job.status != ImportJob.Status.PREVIEWED:
        messages.info(request, _("This import is not waiting to be confirmed: its page says where it stands."))
        return redirect("core:import_job", pk=job.pk)
    try:
        import_job_confirm(job, user=request.user)
    except PreviewOutdated:
        messages.error(
            request,
            _("The data changed after the preview, so it no longer says what the file would do. Preview again."),
        )
    return redirect("core:import_job", pk=job.pk)


@require_GET
def import_changes_view(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The per-row change log of a finished import, as CSV; every download is in the audit trail."""
    job = _job_for(request, pk)
    if not stored_files.exists(job.change_log_path):
        raise Http404
    audit_export(request=request, model=ImportJob, fmt=f"change log of import {job.pk}", rows=job.change_log_entries)

    def lines() -> Iterator[bytes]:
        with stored_files.open_stored(job.change_log_path) as stored, gzip.open(stored, "rb") as handle:
            yield from iter(lambda: handle.read(1 << 16), b"")

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-changes.csv"'
    return response


@require_GET
def import_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: a progress bar while it runs (htmx polls the partial), then the result or every error."""
    job = _job_for(request, pk)
    importer = IMPORT_KINDS.get((job.area, job.kind))
    context = {"job": job, "progress": job_progress(job), "kind_title": importer.title if importer else job.kind}
    template = "core/partials/import_progress.html" if getattr(request, "htmx", False) else "core/import_job.html"
    return render(request, template, context)

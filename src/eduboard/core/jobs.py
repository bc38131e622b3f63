"""Imports run as jobs: in a background thread by default, inline when EDUBOARD_TASKS=sync (tests).

Live progress lives in the cache (a file cache by default, so every server process sees it): the
import writes inside one transaction, and what it writes there is invisible to others until the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connections
from django.utils import timezone

from eduboard.core.imports import Importer, ImportFailed, RowError, open_uploaded
from eduboard.core.models import ImportJob

# (area, kind) -> importer class; each area registers its importers in its AppConfig.ready().
IMPORT_KINDS: dict[tuple[str, str], type[Importer]] = {}


def register_importers(area: str, importers: Mapping[str, type[Importer]]) -> None:
    """Make an area's importers available to the import pages."""
    for kind, importer in importers.items():
        IMPORT_KINDS[(area, kind)] = importer


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def job_progress(job: ImportJob) -> dict[str, Any]:
    """Phase, rows done and rows in all, for the progress bar."""
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return {"phase": job.status, "done": job.rows, "total": job.rows, "percent": 100}
    phase, done, total = cache.get(progress_key(job.pk), ("queued", 0, 0))
    percent = 0 if not total else min(100, round((50 if phase == "saving" else 0) + 50 * done / total))
    return {"phase": phase, "done": done, "total": total, "percent": percent}


def import_job_start(*, area: str, kind: str, uploaded: IO[bytes], filename: str, user: Any) -> ImportJob:
    """Store the file, record the job, and run it (in the background unless tasks run inline)."""
    job = ImportJob.objects.create(area=area, kind=kind, filename=Path(filename).name, created_by=user)
    suffix = Path(filename).suffix.lower()
    path = open_uploaded(uploaded, Path(settings.MEDIA_ROOT) / "imports" / f"{job.pk}{suffix}")
    job.stored_path = str(path)
    job.save(update_fields=["stored_path"])
    run_in_background(import_job_run, job_id=job.pk, user=user)
    job.refresh_from_db()
    return job


def run_in_background(work: Callable[..., Any], **arguments: Any) -> None:
    """Run `work(**arguments)`: inline when EDUBOARD_TASKS=sync (tests), else in a thread of its own with
    its own database connection, closed when it ends."""
    if settings.EDUBOARD_TASKS == "sync":
        work(**arguments)
        return

    def in_thread() -> None:
        close_old_connections()
        try:
            work(**arguments)
        finally:
            connections.close_all()

    threading.Thread(target=in_thread, daemon=True).start()


def import_job_run(*, job_id: int, user: Any) -> ImportJob:
    """Run one import job to its end, recording the result or every error."""
    job = ImportJob.objects.get(pk=job_id)
    importer = IMPORT_KINDS[(job.area, job.kind)](viewer=user)
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])

    def progress(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job.pk), (phase, done, total), timeout=3600)

    change_log = Path(settings.MEDIA_ROOT) / "imports" / f"{job.pk}.changes.csv.gz"
    try:
        result = importer.run(Path(job.stored_path), progress=progress, change_log=change_log)
    except ImportFailed as failure:
        job.status = ImportJob.Status.FAILED
        job.errors = [str(error) for error in failure.errors]
        job.total_errors = failure.total_errors
    except Exception as error:  # a broken file (not CSV/XLSX inside): refuse it, keep the reason
        job.status = ImportJob.Status.FAILED
        job.errors = [str(RowError(0, "-", f"the file could not be read: {error}"))]
        job.total_errors = 1
    else:
        job.status = ImportJob.Status.DONE
        job.rows, job.created, job.updated, job.unchanged = (
            result.rows,
            result.created,
            result.updated,
            result.unchanged,
        )
        job.change_log_path = str(change_log)
        job.change_log_entries = result.logged
    job.finished_at = timezone.now()
    job.save()
    cache.delete(progress_key(job.pk))
    return job

"""Background jobs on a real task queue: imports (and, through the same helpers, report files).

A page records the job in the database and enqueues a task (Django's Tasks API, the django-tasks backport;
settings.TASKS: the database backend by default, RQ on Redis with REDIS_URL); a worker process runs it
(`manage.py worker`). Nothing runs in a thread of the web process, and a job is started by POST only.

While a job runs, a heartbeat (`Heartbeat`) renews a key in the shared cache every few seconds; the key
expires after settings.JOB_LEASE_SECONDS. A job still marked running whose key has expired lost its worker
(killed, out of memory, the machine restarted): it is queued again for another worker, at most
settings.JOB_RETAKES times, then marked failed with a retry button (`retake_if_worker_gone`). Every worker looks
for such jobs every half lease (`retake_abandoned`, from `manage.py worker`), and so does the page of a job.
Taking a job up again is safe: an import writes in one transaction (a dead worker saved nothing) and a report file
is stored whole or not at all. Live progress lives in the cache too: the import writes inside one transaction, and
what it writes there is invisible to others until the end.

A failure inside a job that is not a refusal of the file is an internal error: logged with its traceback
under an id, and shown as "internal error <id>", never as a problem of the file.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tasks import task

from eduboard.core import board_wall, figures_cache, stored_files
from eduboard.core.enqueue import enqueue_after_commit
from eduboard.core.figures_writes import AREAS
from eduboard.core.import_preview import import_preview, preview_record
from eduboard.core.imports import Importer, ImportFailed, ImportResult, open_uploaded
from eduboard.core.models import ImportJob
from eduboard.core.priority import background_priority

logger = logging.getLogger("eduboard.jobs")

# (area, kind) -> importer class; each area registers its importers in its AppConfig.ready().
IMPORT_KINDS: dict[tuple[str, str], type[Importer]] = {}


def register_importers(area: str, importers: Mapping[str, type[Importer]]) -> None:
    """Make an area's importers available to the import pages."""
    for kind, importer in importers.items():
        IMPORT_KINDS[(area, kind)] = importer


def area_importers(area: str) -> dict[str, type[Importer]]:
    """The import kinds registered under `area` (several apps may list theirs under one area, as the innovation
    centre's apps do under `innovation`)."""
    return {kind: importer for (name, kind), importer in IMPORT_KINDS.items() if name == area}


# --- Liveness: a heartbeat in the shared cache, renewed by a thread that never touches the database.


def heartbeat_key(family: str, job_id: object) -> str:
    return f"job-alive-{family}-{job_id}"


class Heartbeat:
    """While the `with` block runs, keep the job's key alive in the cache (renewed every quarter lease)."""

    def __init__(self, family: str, job_id: object) -> None:
        self.key = heartbeat_key(family, job_id)
        self.lease = settings.JOB_LEASE_SECONDS
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{self.key}", daemon=True)

    def _touch(self) -> None:
        cache.set(self.key, time.time(), timeout=self.lease)

    def _beat(self) -> None:
        while not self.stop.wait(max(self.lease / 4, 0.5)):
            self._touch()

    def __enter__(self) -> Heartbeat:
        self._touch()
        self.thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()
        self.thread.join()
        cache.delete(self.key)


def job_alive(family: str, job_id: object) -> bool:
    return cache.get(heartbeat_key(family, job_id)) is not None


def internal_error(what: str, job_id: object) -> str:
    """Log the exception being handled with its traceback under a new id; the message shown for it."""
    error_id = uuid.uuid4().hex[:8]
    logger.exception("%s %s failed with an internal error, id %s", what, job_id, error_id)
    return _("internal error %(id)s: the job stopped and nothing was saved; tell the administrator this id.") % {
        "id": error_id
    }


# --- Imports


def progress_key(job_id: int) -> str:
    return f"import-progress-{job_id}"


def retake_if_worker_gone(
    job: Any, *, family: str, running: str, queued: str, enqueue: Callable[[Any], object], **failed: Any
) -> bool:
    """A job (any model with `status`, `retakes` and `finished_at`) still `running` whose heartbeat has expired lost
    its worker: queue it again for another worker (`enqueue`), or, once it was taken up JOB_RETAKES times, mark it
    failed with the `failed` fields. Done once, by whoever sees it first (a conditional update); True when this
    call did it."""
    if job.status != running or job_alive(family, job.pk):
        return False
    jobs = type(job).objects.filter(pk=job.pk, status=running)
    retake = job.retakes < settings.JOB_RETAKES
    if retake:
        updated = jobs.filter(retakes=job.retakes).update(status=queued, retakes=F("retakes") + 1)
    else:
        updated = jobs.update(finished_at=timezone.now(), **failed)
    job.refresh_from_db()
    if not updated:
        return False
    if retake:
        logger.warning("%s job %s: its worker stopped; taken up again (retake %s)", family, job.pk, job.retakes)
        enqueue(job)
        job.refresh_from_db()
    else:
        logger.warning(
            "%s job %s: its worker stopped (no heartbeat for %ss), %s retakes spent: failed",
            family,
            job.pk,
            settings.JOB_LEASE_SECONDS,
            job.retakes,
        )
    return True


#: The checks `retake_abandoned` runs: each area with jobs registers one (core's imports below; reports' files).
ABANDONED_CHECKS: list[Callable[[], None]] = []


def register_abandoned_check(check: Callable[[], None]) -> None:
    if check not in ABANDONED_CHECKS:
        ABANDONED_CHECKS.append(check)


def retake_abandoned() -> None:
    """Take up again (or fail) every running job whose worker stopped (a worker's sweep, every half lease)."""
    for check in ABANDONED_CHECKS:
        check()


def _imports_abandoned() -> None:
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING):
        job_lease_check(job)


register_abandoned_check(_imports_abandoned)


def job_lease_check(job: ImportJob) -> ImportJob:
    """A running import whose worker stopped renewing its heartbeat is queued again, or, its retakes spent, marked
    failed (a person can still retry it)."""
    retake_if_worker_gone(
        job,
        family="import",
        running=ImportJob.Status.RUNNING,
        queued=ImportJob.Status.QUEUED,
        enqueue=import_job_enqueue,
        status=ImportJob.Status.FAILED,
        errors=[_("the worker running this import stopped before it ended; nothing was saved. Retry it.")],
        total_errors=1,
    )
    return job


def job_progress(job: ImportJob) -> dict[str, Any]:
    """Phase, rows done and rows in all, for the progress bar."""
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return {"phase": job.status, "done": job.rows, "total": job.rows, "percent": 100}
    phase, done, total = cache.get(progress_key(job.pk), ("queued", 0, 0))
    percent = 0 if not total else min(100, round((50 if phase == "saving" else 0) + 50 * done / total))
    waiting = job.status == ImportJob.Status.QUEUED and timezone.now() - job.created_at > timedelta(
        seconds=settings.JOB_LEASE_SECONDS
    )
    return {"phase": phase, "done": done, "total": total, "percent": percent, "no_worker": waiting}


#: How many of a saved file's warnings its job keeps to show.
IMPORT_WARNINGS_KEPT = 100

#: Where uploaded import files and their change logs are kept in the storage (core.stored_files).
IMPORTS = "imports"


def sender_board(user: Any) -> int | None:
    """The one board `user` works for (`user.board_ids()`, duck-typed: core knows no accounts), which an import job
    is recorded with (`ImportJob.board`); None when they work for several or none."""
    board_ids = getattr(user, "board_ids", None)
    boards = set(board_ids()) if callable(board_ids) else set()
    return next(iter(boards)) if len(boards) == 1 else None


def _of_board(user: Any) -> dict[str, Any]:
    """The job's board, by id: core names the registry's model as a string (it imports no area), so the type
    checker does not see the field `board_id`."""
    return {"board_id": sender_board(user)}


def import_job_start(
    *, area: str, kind: str, uploaded: IO[bytes], filename: str, user: Any, encoding: str = "", preview: bool = False
) -> ImportJob:
    """Store the file, record the job and enqueue it for a worker; `encoding` of a CSV when not detected. With
    `preview`, the worker only tries the file (`import_preview`) and the job waits to be confirmed."""
    job = ImportJob.objects.create(
        area=area,
        kind=kind,
        filename=Path(filename).name,
        created_by=user,
        **_of_board(user),
        encoding=encoding,
        preview_only=preview,
    )
    name = f"{IMPORTS}/{job.pk}{Path(filename).suffix.lower()}"
    with _stored_or_failed(job), stored_files.written(name) as path:
        open_uploaded(uploaded, path)
    job.stored_path = name
    job.save(update_fields=["stored_path"])
    return import_job_enqueue(job)


class UploadNotStored(Exception):
    """The file of a new import job could not be stored (the disk is full, …): the job is failed, nothing is
    queued; the message says so to the sender."""


@contextmanager
def _stored_or_failed(job: ImportJob) -> Iterator[None]:
    """Store the job's file in the block; when the disk refuses it (full, or any other error of the file
    system), fail the job with a message, queue nothing and raise UploadNotStored with that message."""
    try:
        yield
    except OSError as error:
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        logger.exception("import job %s: its file could not be stored", job.pk)
        message = (
            _("the server's disk is full, so the file was not stored and nothing was imported. Tell the administrator.")
            if full
            else _("the server could not store the file (%(reason)s); nothing was imported. Tell the administrator.")
            % {"reason": error.strerror or error.__class__.__name__}
        )
        job.status, job.errors, job.total_errors = ImportJob.Status.FAILED, [message], 1
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "errors", "total_errors", "finished_at"])
        raise UploadNotStored(message) from error


def import_job_retry(job: ImportJob, *, user: Any) -> ImportJob:
    """A new job for the file of a failed one (kept for IMPORT_FAILED_RETENTION_DAYS); a previewed file is previewed
    again (its data changed, or the preview failed)."""
    if job.status != ImportJob.Status.FAILED or not stored_files.exists(job.stored_path):
        raise FileNotFoundError(job.stored_path)
    retry = ImportJob.objects.create(
        area=job.area,
        kind=job.kind,
        filename=job.filename,
        created_by=user,
        **_of_board(user),
        encoding=job.encoding,
        preview_only=job.preview_only or bool(job.preview_tokens),
    )
    target = f"{IMPORTS}/{retry.pk}{Path(job.stored_path).suffix}"
    with stored_files.open_stored(job.stored_path) as source, _stored_or_failed(retry):
        stored_files.keep_whole(target, source)
    retry.stored_path = target
    retry.save(update_fields=["stored_path"])
    return import_job_enqueue(retry)


OUTDATED = _lazy(
    "the data changed after this file was previewed (someone saved other changes); nothing was saved. "
    "Preview the file again."
)


class PreviewOutdated(Exception):
    """The data an import reads changed after its file was previewed: the preview no longer says what it would do."""


def import_data_tokens(*, area: str, user: Any) -> dict[str, str]:
    """The tokens (core.figures_cache) of the data an import of `area` reads and writes, in its sender's (`user`)
    scope: its own area's and the registry's (every import names institutions). Any committed write there renews
    one of them, so an unchanged set means the file would do again exactly what its preview showed."""
    areas = sorted({area, "registry"} & set(AREAS))
    names = figures_cache.token_names(areas, figures_cache.scope_parts(user))
    return figures_cache.tokens(names) or {}


def import_job_confirm(job: ImportJob, *, user: Any) -> ImportJob:
    """Save a previewed file: queue the import, which the worker refuses if the data changed in between. Raises
    PreviewOutdated at once when it already has (the job is then marked failed, its file kept to preview again)."""
    if job.status != ImportJob.Status.PREVIEWED or job.created_by_id != user.pk:
        raise PermissionError("only the sender confirms a previewed import")
    if import_data_tokens(area=job.area, user=job.created_by) != job.preview_tokens:
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
            status=ImportJob.Status.FAILED, errors=[str(OUTDATED)], total_errors=1, finished_at=timezone.now()
        )
        job.refresh_from_db()
        raise PreviewOutdated
    confirmed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.QUEUED, preview_only=False, finished_at=None
    )
    job.refresh_from_db()
    if not confirmed:  # confirmed twice at once: the first one queued it
        return job
    return import_job_enqueue(job)


def import_job_enqueue(job: ImportJob) -> ImportJob:
    enqueue_after_commit(import_job_task, job_id=job.pk)
    job.refresh_from_db()
    return job


@task()
def import_job_task(job_id: int) -> str:
    """The worker's side of an import job; returns the job's final status."""
    return import_job_run(job_id=job_id).status


def import_job_run(*, job_id: int) -> ImportJob:
    """Run one import job to its end, recording the result or every error; the uploaded file is deleted when the
    import is saved and kept (for a retry, until the retention period ends) when it is not."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job  # run once: a task delivered twice does nothing the second time
    imports_prune()
    if job.created_by is None:  # the user was deleted while the job waited: nobody to import for
        job.status, job.errors, job.total_errors = ImportJob.Status.FAILED, [_("the user who sent it is gone")], 1
        job.finished_at = timezone.now()
        job.save()
        return job
    importer = IMPORT_KINDS[(job.area, job.kind)](viewer=job.created_by)

    def progress(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job.pk), (phase, done, total), timeout=3600)

    change_log = f"{IMPORTS}/{job.pk}.changes.csv.gz"
    # The rows are the sender's to change (the importer's scope): their writes renew the sender's figures only.
    # The database wall of the sender's boards (core.board_wall: the worker's own is none).
    with Heartbeat("import", job.pk), figures_cache.writing_as(job.created_by), board_wall.acting_as(job.created_by):
        job.status = ImportJob.Status.RUNNING
        job.save(update_fields=["status"])
        try:
            if job.preview_only:
                result = None
                _preview_run(job, importer, progress)
            else:
                if job.preview_tokens and import_data_tokens(area=job.area, user=job.created_by) != job.preview_tokens:
                    raise PreviewOutdated
                # The file on this machine (a copy where the storage is another's), the change log written beside
                # it and stored when the import is saved.
                with (
                    stored_files.local_path(job.stored_path) as path,
                    stored_files.written(change_log) as log,
                    background_priority(settings.IMPORT_CPU_NICE),
                ):
                    result = importer.run(path, progress=progress, change_log=log, encoding=job.encoding or None)
        except PreviewOutdated:
            job.status, job.errors, job.total_errors = ImportJob.Status.FAILED, [str(OUTDATED)], 1
        except ImportFailed as failure:
            job.status = ImportJob.Status.FAILED
            job.errors = [str(error) for error in failure.errors]
            job.total_errors = failure.total_errors
        except (OperationalError, InterfaceError):  # the database went away (restarted, the session ended)
            logger.exception("import job %s: the database connection was lost", job.pk)
            connection.close()  # the next query opens a new connection, to record the failure
            job.status = ImportJob.Status.FAILED
            job.errors = [_("the database connection was lost during the import; nothing was saved. Retry it.")]
            job.total_errors = 1
        except Exception:
            job.status = ImportJob.Status.FAILED
            job.errors = [internal_error("import job", job.pk)]
            job.total_errors = 1
        else:
            if result is not None:
                _saved(job, importer, result, change_log)
        job.finished_at = timezone.now()
        job.save()
    cache.delete(progress_key(job.pk))
    return job


def _saved(job: ImportJob, importer: Importer, result: ImportResult, change_log: str) -> None:
    """A saved import's job: its counts, change log and warnings; its file is no longer needed."""
    job.status = ImportJob.Status.DONE
    _counted(job, importer, result)
    job.change_log_path = change_log
    job.change_log_entries = result.logged
    stored_files.delete(job.stored_path)


def _counted(job: ImportJob, importer: Importer, result: ImportResult) -> None:
    """The counts of what the file did (or, previewed, would do) and the warnings of its rows."""
    job.rows, job.created, job.updated, job.unchanged = result.rows, result.created, result.updated, result.unchanged
    job.warnings = [str(warning) for warning in getattr(importer, "warnings", [])[:IMPORT_WARNINGS_KEPT]]


def _preview_run(job: ImportJob, importer: Importer, progress: Callable[[str, int, int], None]) -> None:
    """Try the job's file and roll it back (`import_preview`); the job keeps what it would do, the data's tokens
    as they were before it was read, and the file, until it is confirmed. A refused file fails the job as an import
    would (the caller's handlers)."""
    tokens = import_data_tokens(area=job.area, user=job.created_by)
    with stored_files.local_path(job.stored_path) as path, background_priority(settings.IMPORT_CPU_NICE):
        preview = import_preview(importer, path, encoding=job.encoding or None, progress=progress)
    job.status, job.preview, job.preview_tokens = ImportJob.Status.PREVIEWED, preview_record(preview), tokens
    _counted(job, importer, preview.result)


def import_files_forget(*, finished_before: datetime) -> int:
    """The retention of uploaded import files (docs/privacy.md): the file, its change log and the rows' values in
    its errors of every import finished before the day, deleted; the job's record and its counts stay. Returns the
    jobs whose files went."""
    finished = ImportJob.objects.filter(finished_at__lt=finished_before)
    jobs = finished.filter(~Q(stored_path="") | ~Q(change_log_path=""))
    forgotten = 0
    for job in jobs.only("pk", "stored_path", "change_log_path"):
        stored_files.delete(job.stored_path)
        stored_files.delete(job.change_log_path)
        ImportJob.objects.filter(pk=job.pk).update(stored_path="", change_log_path="", errors=[], warnings=[])
        forgotten += 1
    finished.update(errors=[], warnings=[])  # a failed file went before (imports_prune): its rows' values go now
    return forgotten


def imports_prune() -> None:
    """Delete the uploaded files of failed imports, and of previews never confirmed, older than the retention
    period."""
    before = timezone.now() - timedelta(days=settings.IMPORT_FAILED_RETENTION_DAYS)
    kept = (ImportJob.Status.FAILED, ImportJob.Status.PREVIEWED)
    for job in ImportJob.objects.filter(status__in=kept, finished_at__lt=before).exclude(stored_path=""):
        stored_files.delete(job.stored_path)
        ImportJob.objects.filter(pk=job.pk).update(stored_path="")

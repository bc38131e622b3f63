"""Report files made as jobs by a worker (the task queue of `core.jobs`), started by POST.

A big report (a whole country's figures, a long PDF) takes seconds; the page shows a progress bar
(figures section by section, then the file) and offers the file when it is ready. The job is a row
(`FileJob`); its progress lives in the cache; the file is kept as `reports/<job>.<format>` in the storage
(core.stored_files: MEDIA_ROOT or an S3-compatible bucket), whole or not at all, so a half-written file (a full
disk, a killed worker) is never served. Only the
user who asked follows the job. Each job renders its own file from the content as that user may read it
(`edition_content` with the user as viewer) and records the permissions its figures need (`FileJob.reads`): a
finished file of an edition is kept with it, listed on its page and fetched by its readers whose role includes
as much (`selectors.file_jobs_readable`), so no file made for one reader is ever given to another whose role
includes less.
"""

from __future__ import annotations

import errno
import io
import uuid
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from eduboard.core import board_wall, replica, stored_files
from eduboard.core.enqueue import enqueue_after_commit
from eduboard.core.jobs import Heartbeat, internal_error, retake_if_worker_gone
from eduboard.core.scope import Viewer
from eduboard.quality.models import SelfAssessment
from eduboard.reports.models import FileJob, ReportEdition
from eduboard.reports.renderers import render_report
from eduboard.reports.selectors import content_reads, edition_content
from eduboard.reports.self_assessment import build_self_assessment_report, report_title

TIMEOUT = 6 * 3600


def progress_key(job_id: str) -> str:
    return f"report-job-{job_id}"


def job_state(job: FileJob) -> dict[str, Any]:
    """The job's state for its page: status (queued/running/done/failed), percent, phase, file name, error."""
    job_lease_check(job)
    percent, phase = cache.get(progress_key(job.pk), (0, "figures"))
    if job.status in (FileJob.Status.DONE, FileJob.Status.FAILED):
        percent = 100
    return {
        "status": "running" if job.status == FileJob.Status.QUEUED else job.status,
        "percent": percent,
        "phase": phase,
        "filename": job.filename,
        "error": job.error,
        "fmt": job.fmt,
    }


def edition_jobs_running(*, edition: ReportEdition, viewer: Viewer) -> list[tuple[FileJob, dict[str, Any]]]:
    """The files of an edition that `viewer` asked for and that are still being made, with their state, oldest
    first (for the edition's page; the jobs that ended meanwhile leave the list)."""
    jobs = FileJob.objects.visible_to(viewer).filter(
        edition=edition, status__in=[FileJob.Status.QUEUED, FileJob.Status.RUNNING]
    )
    running = [(job, job_state(job)) for job in jobs.order_by("created_at")]
    return [(job, state) for job, state in running if state["status"] == "running"]


def job_lease_check(job: FileJob) -> None:
    """A running job whose worker stopped renewing its heartbeat is queued again (core.jobs.retake_if_worker_gone),
    or, its retakes spent, marked failed."""
    retake_if_worker_gone(
        job,
        family="report",
        running=FileJob.Status.RUNNING,
        queued=FileJob.Status.QUEUED,
        enqueue=lambda retaken: enqueue_after_commit(render_job_task, job_id=retaken.pk),
        status=FileJob.Status.FAILED,
        error=_("the worker making this file stopped before it ended; ask for the file again."),
    )


def files_abandoned() -> None:
    for job in FileJob.objects.filter(status=FileJob.Status.RUNNING):
        job_lease_check(job)


def job_file(job: FileJob) -> str:
    """The job's file's name in the storage (core.stored_files)."""
    return f"reports/{job.pk}.{job.fmt}"


def render_job_start(*, edition: ReportEdition, fmt: str, language: str, user: Any) -> FileJob:
    """Record a job that makes the edition's file in `fmt` and `language`, and enqueue it."""
    year = edition.school_year.code.replace("/", "-")
    job = FileJob.objects.create(
        id=uuid.uuid4().hex,
        user=user,
        edition=edition,
        fmt=fmt,
        language=language,
        filename=f"{edition.kind}-{year}-{edition.number}-{language}.{fmt}",
    )
    enqueue_after_commit(render_job_task, job_id=job.pk)
    job.refresh_from_db()
    return job


def self_assessment_job_start(*, assessment: SelfAssessment, fmt: str, language: str, user: Any) -> FileJob:
    """Record a job that builds an institution's self-assessment report from the data as `user` may read it."""
    year = assessment.school_year.code.replace("/", "-")
    job = FileJob.objects.create(
        id=uuid.uuid4().hex,
        user=user,
        self_assessment=assessment,
        fmt=fmt,
        language=language,
        filename=f"self-assessment-{assessment.institution.registration_number}-{year}-{language}.{fmt}",
    )
    enqueue_after_commit(render_job_task, job_id=job.pk)
    job.refresh_from_db()
    return job


def _content_and_title(job: FileJob, progress: Any) -> tuple[dict[str, Any], dict[str, str], str]:
    """The job's content (as its user may read it), narrative and title in the job's language."""
    if job.self_assessment_id is not None:
        assessment = SelfAssessment.objects.select_related("institution", "school_year", "framework").get(
            pk=job.self_assessment_id
        )
        content = build_self_assessment_report(assessment=assessment, visible_to=job.user, progress=progress)
        with translation.override(job.language):
            return content, {}, report_title(assessment)
    assert job.edition is not None  # noqa: S101 - the table's constraint: one or the other
    content = edition_content(edition=job.edition, viewer=job.user, progress=progress)
    return content, job.edition.narrative, job.edition.title


@task()
def render_job_task(job_id: str) -> str:
    return render_job_run(job_id=job_id).status


def render_job_run(*, job_id: str) -> FileJob:
    """Compute (or read) the figures as the user who asked may read them, render the file and store it whole."""
    job = FileJob.objects.select_related("edition__school_year", "user").get(pk=job_id)
    if job.status != FileJob.Status.QUEUED:
        return job  # run once
    with Heartbeat("report", job.pk), board_wall.acting_as(job.user):  # the database wall of the user who asked
        job.status = FileJob.Status.RUNNING
        job.save(update_fields=["status"])

        def progress(done: int, total: int, _section: str) -> None:
            cache.set(progress_key(job.pk), (round(70 * done / total), "figures"), timeout=TIMEOUT)

        try:
            # The figures from the replica once it holds what the person had saved when they asked (core.replica).
            with replica.reading(replica.caught_up_alias(since=job.created_at)):
                content, narrative, title = _content_and_title(job, progress)
            cache.set(progress_key(job.pk), (70, "file"), timeout=TIMEOUT)
            data = render_report(content, narrative, fmt=job.fmt, language=job.language, title=title)
            stored_files.keep_whole(job_file(job), io.BytesIO(data))
            job.size = len(data)
            job.partial = bool(content.get("withheld"))
            # An edition's file may be fetched by its other readers whose role includes as much; a
            # self-assessment's, built from the data its user's scope reaches, stays theirs alone.
            job.reads = content_reads(content) if job.edition_id is not None else None
        except OSError as error:
            job.status = FileJob.Status.FAILED
            job.error = (
                _("the server's disk is full; the file was not made. Tell the administrator.")
                if error.errno == errno.ENOSPC
                else internal_error("report file job", job.pk)
            )
        except Exception:
            job.status = FileJob.Status.FAILED
            job.error = internal_error("report file job", job.pk)
        else:
            job.status = FileJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at", "size", "partial", "reads"])
    cache.delete(progress_key(job.pk))
    return job

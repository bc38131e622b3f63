"""Report files made as jobs: in a background thread by default, inline when EDUBOARD_TASKS=sync (tests).

A big report (a whole country's figures, a long PDF) takes seconds; the page shows a progress bar
(figures section by section, then the file) and offers the file when it is ready. The job's state lives
in the cache, the file under MEDIA_ROOT/reports/; only the user who asked may fetch it. Each job renders its
own file from the content as that user may read it (`edition_content` with the user as viewer), so no
file made for one reader is ever given to another whose role includes less.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from eduboard.core.jobs import run_in_background
from eduboard.reports.models import ReportEdition
from eduboard.reports.renderers import render_report
from eduboard.reports.selectors import edition_content

TIMEOUT = 6 * 3600


def job_key(job_id: str) -> str:
    return f"report-job-{job_id}"


def job_state(job_id: str) -> dict[str, Any] | None:
    """The job's state: status (running/done/failed), percent, phase, file name; None when unknown."""
    return cache.get(job_key(job_id))


def job_path(job_id: str, fmt: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "reports" / f"{job_id}.{fmt}"


def _save(job_id: str, **changes: Any) -> None:
    state = cache.get(job_key(job_id)) or {}
    state.update(changes)
    cache.set(job_key(job_id), state, timeout=TIMEOUT)


def render_job_start(*, edition: ReportEdition, fmt: str, language: str, user: Any) -> str:
    """Record a job that makes the edition's file in `fmt` and `language`, and run it; returns its id."""
    job_id = uuid.uuid4().hex
    year = edition.school_year.code.replace("/", "-")
    filename = f"{edition.kind}-{year}-{edition.number}-{language}.{fmt}"
    _save(
        job_id,
        status="running",
        percent=0,
        phase="figures",
        user=user.pk,
        edition=edition.pk,
        fmt=fmt,
        filename=filename,
        error="",
    )
    run_in_background(render_job_run, job_id=job_id, edition_id=edition.pk, fmt=fmt, language=language, user_id=user.pk)
    return job_id


def render_job_run(*, job_id: str, edition_id: int, fmt: str, language: str, user_id: int) -> None:
    """Compute (or read) the figures as the user who asked may read them, render the file and store it;
    the state says how far it got."""
    try:
        edition = ReportEdition.objects.select_related("school_year").get(pk=edition_id)
        reader = get_user_model().objects.get(pk=user_id)

        def progress(done: int, total: int, _section: str) -> None:
            _save(job_id, percent=round(70 * done / total), phase="figures")

        content = edition_content(edition=edition, viewer=reader, progress=progress)
        _save(job_id, percent=70, phase="file")
        data = render_report(content, edition.narrative, fmt=fmt, language=language, title=edition.title)
        path = job_path(job_id, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        _save(job_id, status="done", percent=100, phase="done")
    except Exception as error:
        _save(job_id, status="failed", percent=100, phase="failed", error=str(error))
        raise

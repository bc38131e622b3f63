"""Background jobs on the task queue: run by a worker, never in the request; a dead worker or a lost database is
noticed and said; an internal error is logged with an id; a failed import is retried; e-mails go through it too."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import jobs, stored_files
from eduboard.core.models import ImportJob
from eduboard.registry.importers import ProgrammeImporter
from eduboard.registry.models import Programme
from tests.support.tasks import DATABASE_TASKS
from tests.waiting import wait_for

pytestmark = pytest.mark.both_databases

ROOT = Path(__file__).resolve().parents[2]
PROGRAMMES = "code,name,level,special_needs,language\n21011111,Pamatizglītības programma,basic,none,lv\n"


def upload(client: Client, text: str, kind: str = "programmes") -> ImportJob:
    response = client.post(
        f"/imports/registry/{kind}/", {"file": SimpleUploadedFile(f"{kind}.csv", text.encode(), "text/csv")}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.latest("pk")


@pytest.fixture
def board(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(Role.BOARD_ADMIN))


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_queued_for_the_worker_and_the_worker_imports_it(board: Client, settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    job = upload(board, PROGRAMMES)
    assert job.status == ImportJob.Status.QUEUED  # nothing ran in the request
    assert not Programme.objects.exists()
    assert DBTaskResult.objects.filter(task_path="eduboard.core.jobs.import_job_task").count() == 1
    page = board.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page  # the page polls while it waits

    call_command("worker", batch=True)
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportJob.Status.DONE, 1)
    assert Programme.objects.get().code == "21011111"
    assert not stored_files.exists(job.stored_path)  # the uploaded file is deleted once the import is saved


@pytest.mark.django_db(transaction=True)  # the database backend: enqueued on commit
def test_a_job_waiting_long_for_a_worker_says_so(board: Client, settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    job = upload(board, PROGRAMMES)
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at.replace(year=2020))
    page = board.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "manage.py worker" in page


@pytest.mark.django_db
def test_an_internal_error_is_logged_with_an_id_and_never_called_a_bad_file(
    board: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in the importer")

    monkeypatch.setattr(ProgrammeImporter, "run", broken)
    with caplog.at_level(logging.ERROR, logger="eduboard.jobs"):
        job = upload(board, PROGRAMMES)
    assert job.status == ImportJob.Status.FAILED
    (message,) = job.errors
    error_id = message.split()[2].rstrip(":")  # "internal error <id>: …" (English msgid; the page is Latvian)
    assert any(error_id in record.getMessage() for record in caplog.records)
    assert "Traceback" in caplog.text and "a bug in the importer" in caplog.text  # the traceback, logged
    assert "could not be read" not in message
    assert stored_files.exists(job.stored_path)  # kept, so the import can be retried


@pytest.mark.django_db
def test_a_failed_import_is_retried_on_the_same_file_by_its_sender(
    board: Client, monkeypatch: pytest.MonkeyPatch, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    real_run = ProgrammeImporter.run
    monkeypatch.setattr(ProgrammeImporter, "run", lambda *args, **kwargs: 1 / 0)
    failed = upload(board, PROGRAMMES)
    assert failed.status == ImportJob.Status.FAILED
    page = board.get(f"/imports/jobs/{failed.pk}/").content.decode()
    assert f"/imports/jobs/{failed.pk}/retry/" in page

    other_board_member = signed_in(make_user(Role.BOARD_ADMIN))
    assert other_board_member.post(f"/imports/jobs/{failed.pk}/retry/").status_code == 404
    assert board.get(f"/imports/jobs/{failed.pk}/retry/").status_code == 405  # started by POST only

    monkeypatch.setattr(ProgrammeImporter, "run", real_run)
    response = board.post(f"/imports/jobs/{failed.pk}/retry/")
    retry = ImportJob.objects.latest("pk")
    assert response.url == f"/imports/jobs/{retry.pk}/"
    assert (retry.pk != failed.pk, retry.status, retry.created) == (True, ImportJob.Status.DONE, 1)


@pytest.mark.django_db
def test_failed_uploads_are_deleted_after_the_retention_period(board: Client, settings: Any) -> None:
    old = upload(board, "code,name\n")  # refused: columns missing
    assert old.status == ImportJob.Status.FAILED and stored_files.exists(old.stored_path)
    ImportJob.objects.filter(pk=old.pk).update(finished_at=old.finished_at.replace(year=2020))
    upload(board, PROGRAMMES)  # the next job prunes
    old.refresh_from_db()
    assert old.stored_path == ""
    assert not list(Path(settings.MEDIA_ROOT, "imports").glob(f"{old.pk}.csv"))


@pytest.mark.django_db(transaction=True)  # the database backend: enqueued on commit
def test_a_running_job_without_a_heartbeat_is_queued_again_once(board: Client, settings: Any) -> None:
    """Its worker died: the first check queues it again for another worker (a task enqueued), the second finds it
    queued and does nothing more."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    job = upload(board, PROGRAMMES)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    tasks_before = DBTaskResult.objects.count()
    jobs.retake_abandoned()  # a worker's sweep
    board.get(f"/imports/jobs/{job.pk}/")  # the job's page checks too
    job.refresh_from_db()
    assert (job.status, job.retakes) == (ImportJob.Status.QUEUED, 1)
    assert DBTaskResult.objects.count() == tasks_before + 1
    assert list(DBTaskResult.objects.order_by("-enqueued_at").values_list("args_kwargs", flat=True)[:1]) == [
        {"args": [], "kwargs": {"job_id": job.pk}}
    ]


@pytest.mark.django_db(transaction=True)  # the database backend: enqueued on commit
def test_a_running_job_without_a_heartbeat_is_marked_failed_with_a_retry(board: Client, settings: Any) -> None:
    """Its retakes spent (JOB_RETAKES), a job whose worker died is failed, and a person may retry it."""
    settings.TASKS = DATABASE_TASKS
    job = upload(board, PROGRAMMES)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, retakes=settings.JOB_RETAKES)
    with jobs.Heartbeat("import", job.pk):  # alive: still running
        assert "every 1s" in board.get(f"/imports/jobs/{job.pk}/").content.decode()
    page = board.get(f"/imports/jobs/{job.pk}/").content.decode()  # the heartbeat is gone
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert f"/imports/jobs/{job.pk}/retry/" in page


@pytest.mark.django_db
def test_e_mails_are_sent_by_a_task_not_in_the_request(make_user: Callable[..., User]) -> None:
    make_user(Role.BOARD_ADMIN, email="valde@example.lv")
    response = Client().post("/accounts/password/reset/", {"email": "valde@example.lv"})
    assert response.status_code == 302
    (message,) = mail.outbox  # delivered by send_email_task (the tests' tasks run at once)
    assert message.to == ["valde@example.lv"]


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_with_redis_an_import_goes_through_rq_and_an_rq_worker_runs_it(board: Client, settings: Any) -> None:
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    job = upload(board, PROGRAMMES)
    assert job.status == ImportJob.Status.QUEUED
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportJob.Status.DONE, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_database_session_is_terminated_fails_cleanly(
    board: Client, settings: Any, english: None
) -> None:
    """pg_terminate_backend from another connection, mid-import: nothing half-saved, the job says why."""
    settings.TASKS = DATABASE_TASKS
    rows = "".join(f"Novads {number},2024/2025,basic,{number}\n" for number in range(4000))
    job = upload(board, "municipality,school_year,level,learners\n" + rows, kind="residents_elsewhere")
    done = threading.Event()

    def work() -> None:
        try:
            jobs.import_job_run(job_id=job.pk)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=work)
    thread.start()
    with connection.cursor() as cursor:
        pid = None
        for _attempt in range(200):
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend' AND xact_start IS NOT NULL"
            )
            found = cursor.fetchone()
            if found and cache.get(jobs.progress_key(job.pk)):
                pid = found[0]
                break
            time.sleep(0.05)
        assert pid is not None, "the import never started"
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert done.wait(60)
    thread.join()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "database connection was lost" in job.errors[0]
    from eduboard.registry.models import ResidentsElsewhere

    assert not ResidentsElsewhere.objects.exists()
    assert stored_files.exists(job.stored_path)  # kept for the retry


@pytest.mark.one_database
def test_a_worker_killed_mid_import_is_taken_up_again_by_another(tmp_path: Path, db: None) -> None:
    """A real worker process, killed with SIGKILL while it imports: nothing of the file was saved; once its lease
    (here 5 s) runs out, another worker's sweep queues the job again and that worker imports the whole file. The
    workers run on an SQLite file of their own whichever database the pass tests, so it runs once (one_database;
    the cluster's test shows the same with RQ workers on PostgreSQL). Every wait is for a condition, with a deadline
    generous for a busy machine: its outcome does not depend on the machine's speed."""
    from django.core.cache.backends.filebased import FileBasedCache

    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CACHE_DIR": str(tmp_path / "cache"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "JOB_LEASE_SECONDS": "5",  # a live worker's heartbeat (every 1.25 s) misses it only if stalled for 5 s
        # At the workers' lower priority an import yields the processor to everything else the machine runs (a
        # whole test suite beside it): that is not what this test is about.
        "IMPORT_CPU_NICE": "0",
    }
    env.pop("REDIS_URL", None)
    workers_cache = FileBasedCache(str(tmp_path / "cache"), {})
    rows = 4000  # twice the rows between two progress reports: stopped after the first, long before the save

    def manage(*args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def job_row() -> tuple[str, int, int]:
        with sqlite3.connect(database) as db:
            return db.execute("SELECT status, retakes, rows FROM core_importjob WHERE id = ?", [job_id]).fetchone()

    def waited(condition: Callable[[], bool], what: str) -> None:
        wait_for(condition, lambda: f"{what}; the job: {job_row()}", seconds=600, every=0.02)

    # The workers' database: a copy of the test database, migrated already (migrating a new one takes minutes on
    # a busy machine).
    with sqlite3.connect(connection.settings_dict["NAME"]) as source, sqlite3.connect(database) as copy:
        source.backup(copy)
        copy.execute("DELETE FROM registry_residentselsewhere")
    upload = tmp_path / "residents.csv"
    upload.write_text(
        "municipality,school_year,level,learners\n"
        + "".join(f"Novads {number},2024/2025,basic,{number}\n" for number in range(rows)),
        encoding="utf-8",
    )
    output = manage(
        "shell",
        "-c",
        "from eduboard.accounts.models import User; from eduboard.core.jobs import import_job_start; "
        "user = User.objects.create_superuser('valde-killed', 'v@example.lv', 'a-long-password-1'); "
        f"print(import_job_start(area='registry', kind='residents_elsewhere', uploaded=open('{upload}', 'rb'), "
        "filename='r.csv', user=user).pk)",
    )
    job_id = int(output.split()[-1])
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        # Into the rows: the import has checked some of them (its progress), and not saved the file.
        waited(
            lambda: (workers_cache.get(jobs.progress_key(job_id)) or ("", 0, 0))[1] > 0, "the worker started the rows"
        )
        worker.send_signal(signal.SIGSTOP)  # frozen where it is, then killed there
        assert job_row()[0] == "running", "the import ended before the worker could be stopped in it"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM registry_residentselsewhere").fetchone() == (0,)
    other = subprocess.Popen(
        [sys.executable, "manage.py", "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        waited(lambda: job_row()[0] in ("done", "failed"), "the other worker ended the job")
    finally:
        other.terminate()
        other.wait()
    assert job_row() == ("done", 1, rows)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM registry_residentselsewhere").fetchone() == (rows,)


@pytest.mark.django_db
def test_a_full_disk_while_writing_a_report_file_fails_the_job_clearly_and_serves_no_file(
    make_user: Callable[..., User], signed_in: Callable[[User], Client], monkeypatch: pytest.MonkeyPatch, english: None
) -> None:
    import errno
    from datetime import date

    from eduboard.core.schoolyears import school_year_get_or_create
    from eduboard.reports import jobs as report_jobs
    from eduboard.reports import services as report_services

    board = make_user(Role.BOARD_ADMIN)
    edition = report_services.edition_create(
        school_year=school_year_get_or_create(code="2024/2025"), as_of=date(2024, 10, 1), viewer=board
    )
    real_open = Path.open

    def full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if self.name.endswith(".part") and "w" in mode:
            handle = real_open(self, mode, *args, **kwargs)
            handle.write(b"%PDF half")  # something reached the disk before it filled up
            handle.close()
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    client = signed_in(board)
    start = client.post(f"/reports/{edition.pk}/file/html/", {"lang": "en"})
    job_id = start.url.rstrip("/").rsplit("/", 1)[-1]
    job = report_jobs.FileJob.objects.get(pk=job_id)
    assert job.status == report_jobs.FileJob.Status.FAILED
    assert "disk is full" in job.error
    assert not stored_files.exists(report_jobs.job_file(job))
    assert not stored_files.exists(report_jobs.job_file(job) + ".part")
    assert client.get(f"/reports/jobs/{job_id}/file/").status_code == 404

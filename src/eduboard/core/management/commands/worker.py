"""`manage.py worker`: run the background tasks (imports, report files, e-mails) of the configured task backend."""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection

from eduboard.core.jobs import retake_abandoned
from eduboard.core.priority import WORKER_ENVIRONMENT

logger = logging.getLogger("eduboard.jobs")


def sweep(parent: int) -> None:
    """Every half lease, take up again the jobs whose worker died (core.jobs.retake_abandoned), for as long as the
    worker process `parent` lives.

    A process of its own, forked when the worker starts, not a thread of the worker: an RQ worker forks a "work
    horse" for every job, and a fork while another thread holds a lock (logging's, the database driver's) leaves the
    horse waiting for it forever."""
    period = max(settings.JOB_LEASE_SECONDS / 2, 1.0)
    next_sweep = time.monotonic() + period
    while os.getppid() == parent:  # the worker died: its sweep ends with it
        time.sleep(0.5)
        if time.monotonic() < next_sweep:
            continue
        next_sweep += period
        try:
            retake_abandoned()
        except DatabaseError:
            logger.exception("the sweep for jobs whose worker died could not read the jobs")
        finally:
            connection.close()  # no connection is kept between sweeps


class Command(BaseCommand):
    help = (
        "Runs background tasks: the database backend's worker by default, an RQ worker when REDIS_URL is set. "
        "Start one or more beside the web server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run the tasks waiting now, then stop")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks for new tasks")

    def handle(self, *args: Any, **options: Any) -> None:
        os.environ[WORKER_ENVIRONMENT] = "1"  # an import here yields the processor (core.priority)
        if options["batch"]:
            self.run_tasks(options)
            return
        # Forked before this process opens a connection or starts a thread, so the sweep shares neither.
        connection.close()
        sweeper = multiprocessing.get_context("fork").Process(
            target=sweep, args=(os.getpid(),), name="eduboard-job-sweep", daemon=True
        )
        sweeper.start()
        try:
            self.run_tasks(options)
        finally:
            sweeper.terminate()
            sweeper.join(5)

    def run_tasks(self, options: dict[str, Any]) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend == "django_tasks_rq.RQBackend":
            call_command("rqworker", "default", job_class="django_tasks_rq.Job", burst=options["batch"])
            return
        call_command(
            "db_worker",
            queue_name="*",
            interval=options["interval"],
            batch=options["batch"],
            reload=False,
            startup_delay=False,
        )

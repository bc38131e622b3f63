"""`manage.py worker`: run the background tasks (imports, report files, e-mails) of the configured task backend."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections

from eduboard.core import board_wall
from eduboard.core.commands import EduboardCommand
from eduboard.core.jobs import retake_abandoned
from eduboard.core.priority import WORKER_ENVIRONMENT

logger = logging.getLogger("eduboard.jobs")

#: The wait after the database dropped the worker's connection (a restart, a failover), doubled at each failure
#: in a row up to the last, and back to the first once tasks are read again.
RECONNECT_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)


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


def seconds(value: str) -> float:
    """argparse type for the seconds between looks for new tasks: a number from 0.01 to 3600."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a number of seconds") from None
    if not 0.01 <= number <= 3600:
        raise argparse.ArgumentTypeError(f"{value} seconds is outside 0.01 to 3600")
    return number


def connection_lost(error: DatabaseError) -> bool:
    """Whether `error` is the database going away (a restart, a failover, a dropped connection, a server not
    answering yet), which a wait cures, rather than a database that is not set up (no such table), which it does
    not."""
    text = str(error).lower()
    if "no such table" in text or "does not exist" in text:
        return False
    return isinstance(error, OperationalError | InterfaceError)


class Command(EduboardCommand):
    help = (
        "Runs background tasks: the database backend's worker by default, an RQ worker when REDIS_URL is set. "
        "Start one or more beside the web server. When the database drops its connections (a restart, a "
        "failover) the worker waits, connects again and goes on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run the tasks waiting now, then stop")
        parser.add_argument("--interval", type=seconds, default=1.0, help="seconds between looks for new tasks")

    def handle(self, *args: Any, **options: Any) -> None:
        board_wall.check_pooling()  # behind a pooler in session mode the board wall would leak: one line, exit 1
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
        """Run the backend's worker; when the database drops the connection under it, close every connection,
        wait (longer at each failure in a row) and run it again, never ending on a lost connection."""
        failures = 0
        while True:
            started = time.monotonic()
            try:
                self.run_backend(options)
                return
            except DatabaseError as error:
                if not connection_lost(error):
                    raise
                if time.monotonic() - started > RECONNECT_WAITS[-1]:
                    failures = 0  # it ran a while: a new outage, not the same one going on
                wait = RECONNECT_WAITS[min(failures, len(RECONNECT_WAITS) - 1)]
                failures += 1
                logger.warning("the database connection was lost (%s); connecting again in %s s", error, wait)
                for each in connections.all(initialized_only=True):
                    try:
                        each.close()  # the next query opens a new one
                    except DatabaseError:
                        logger.debug("closing a lost connection failed", exc_info=True)
                time.sleep(wait)

    def run_backend(self, options: dict[str, Any]) -> None:
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

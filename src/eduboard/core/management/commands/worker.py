"""`manage.py worker`: run the background tasks (imports, report files, e-mails) of the configured task backend."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Runs background tasks: the database backend's worker by default, an RQ worker when REDIS_URL is set. "
        "Start one or more beside the web server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run the tasks waiting now, then stop")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks for new tasks")

    def handle(self, *args: Any, **options: Any) -> None:
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

"""`manage.py publish_open_data [--out DIR] [--board CODE] [--as-of YYYY-MM-DD] [--base-url URL] [--enqueue]`:
compute every board's open datasets, record a new version of each whose figures changed, and write the latest
version of each (`DIR/<board>/<dataset>.csv` and `.json`) and the catalogue (`DIR/catalog.jsonld`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from eduboard.core.commands import EduboardCommand, iso_date, output_folder
from eduboard.core.enqueue import enqueue_after_commit
from eduboard.opendata.services import opendata_publish_boards, opendata_publish_task, opendata_write
from eduboard.registry.boards import Board


def default_base_url() -> str:
    """The site's address for the catalogue's links: the first host the site answers to (ALLOWED_HOSTS)."""
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    return f"https://{hosts[0]}" if hosts else "http://localhost"


class Command(EduboardCommand):
    help = (
        "Compute every board's open datasets (one board's with --board) as of a day (the pages' default day), "
        "record a new version of each whose figures changed, and with --out DIR write DIR/<board>/<dataset>.csv and "
        ".json and DIR/catalog.jsonld (DCAT-AP). --enqueue hands the run to a worker instead (daily, from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="a folder to write the files into")
        parser.add_argument("--board", help="a board's code: its datasets only")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=iso_date,
            help="YYYY-MM-DD; by default the day the pages show (today, or the latest school year's first day)",
        )
        parser.add_argument(
            "--base-url", dest="base_url", help="the site's address for the catalogue's links (e.g. https://host)"
        )
        parser.add_argument("--enqueue", action="store_true", help="queue the run for a worker (daily)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"]  # None: the day every page shows (registry.selectors.default_as_of)
        out = output_folder(options["out"], "--out") if options["out"] else None
        board_ids = None
        if options["board"]:
            board = Board.objects.filter(code=options["board"].strip().lower()).first()
            if board is None:
                raise CommandError(f"No board has the code {options['board']}.")
            board_ids = [board.pk]
        if options["enqueue"]:
            if out is not None:
                raise CommandError("--enqueue records the datasets in a worker: leave --out out.")
            enqueue_after_commit(opendata_publish_task, board_ids=board_ids, as_of=as_of.isoformat() if as_of else None)
            self.stdout.write("The open data of the boards was queued for a worker.")
            return
        for published in opendata_publish_boards(board_ids=board_ids, as_of=as_of):
            changed = ", ".join(published.changed) or "—"
            self.stdout.write(f"{published.board.code}: new versions: {changed}")
        if out is not None:
            base = (options["base_url"] or default_base_url()).rstrip("/")
            written = opendata_write(out=out, absolute=lambda path: f"{base}{path}")
            self.stdout.write(f"{len(written)} files written to {options['out']}")

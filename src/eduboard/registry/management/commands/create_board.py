"""`manage.py create_board --municipality NAME --code CODE`: a new board (a municipality's education authority)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from eduboard.core.commands import EduboardCommand
from eduboard.registry.board_services import board_create


class Command(EduboardCommand):
    help = (
        "Add a board to the deployment: its code (used by --board, ?board= and the institutions file's board "
        "column) and its municipality. Its names are suggested from the municipality's; its administrator edits "
        "them on the board's page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="the municipality's name, e.g. “Rēzeknes novads”")
        parser.add_argument(
            "--code", required=True, help="a short code: letters (lower-cased), digits, - and _, e.g. “rezekne”"
        )
        parser.add_argument("--name", default="", help="the board's Latvian name (suggested when absent)")
        parser.add_argument("--council", default="", help="the council's Latvian name (suggested when absent)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            board = board_create(
                code=options["code"],
                municipality=options["municipality"],
                names={"name": options["name"], "council": options["council"]},
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Board {board.code}: {board.name} ({board.municipality})")

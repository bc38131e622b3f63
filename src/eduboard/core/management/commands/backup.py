"""`manage.py backup [--output PATH]`: one archive of the database and the uploaded files; prints its path."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from eduboard.core.backup import VENDOR_NAMES, BackupError, backup_create
from eduboard.core.commands import EduboardCommand


class Command(EduboardCommand):
    # No system checks: a backup or a restore must work even when the code's set-up has something to fix.
    requires_system_checks: list[str] = []
    help = _(
        "Write one archive (.tar) with the database (SQLite or PostgreSQL) and the uploaded files (MEDIA_ROOT), "
        "and print its path. The server may keep running. The archive holds every secret of the database: keep it "
        "like the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help=_("the archive to write, or a directory to write it in (default: var/backups/)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(output=options["output"])
        except BackupError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(str(result.path))
        if options["verbosity"] >= 1:
            self.stderr.write(
                _(
                    "Backed up the %(vendor)s database and %(files)d uploaded files (%(media)s) "
                    "in %(seconds).1f s: %(size)s."
                )
                % {
                    "vendor": VENDOR_NAMES[result.vendor],
                    "files": result.media_files,
                    "media": filesizeformat(result.media_bytes),
                    "seconds": result.seconds,
                    "size": filesizeformat(result.size),
                },
                style_func=str,
            )

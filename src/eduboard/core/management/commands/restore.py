"""`manage.py restore ARCHIVE [--database-url URL] [--force]`: put a backup's database and files back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from eduboard.core.backup import BackupError, backup_restore
from eduboard.core.commands import EduboardCommand


class Command(EduboardCommand):
    # No system checks: a backup or a restore must work even when the code's set-up has something to fix.
    requires_system_checks: list[str] = []
    help = _(
        "Restore an archive written by `manage.py backup` into the configured database (or the one --database-url "
        "names) and MEDIA_ROOT. Refused when the file is not an eduboard backup, holds the other database vendor's "
        "dump, or the database or MEDIA_ROOT is not empty (unless --force). Stop the server and workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help=_("the archive written by `manage.py backup`"))
        parser.add_argument(
            "--database-url",
            help=_("restore into this database instead of the configured one (the DATABASE_URL form)"),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("replace what the database and MEDIA_ROOT hold (otherwise both must be empty)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(
                archive=options["archive"], database_url=options["database_url"], force=options["force"]
            )
        except BackupError as error:
            raise CommandError(" ".join(error.messages)) from None
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            _(
                "Restored %(target)s and %(files)d uploaded files (%(media)s) from %(archive)s, a backup of "
                "%(created)s, in %(seconds).1f s."
            )
            % {
                "target": result.target,
                "files": result.media_files,
                "media": filesizeformat(result.media_bytes),
                "archive": options["archive"],
                "created": result.manifest.get("created_at", "?"),
                "seconds": result.seconds,
            }
        )
        if result.unknown_migrations:
            self.stderr.write(
                _(
                    "The restored database has %(count)d migrations this code does not know (%(first)s…): it was "
                    "backed up by a newer eduboard; run that version."
                )
                % {"count": len(result.unknown_migrations), "first": result.unknown_migrations[0]}
            )
        if result.pending_migrations:
            self.stderr.write(
                _("The restored database lacks %(count)d migrations of this code: run `manage.py migrate`.")
                % {"count": len(result.pending_migrations)}
            )

"""`manage.py import_surveys KIND FILE`: import survey questions, populations or responses, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand
from eduboard.surveys.importers import IMPORTERS


class Command(ImportCommand):
    help = (
        "Import survey questions, populations or responses (long form) from CSV/XLSX (all or nothing). "
        "`import_surveys questions --template` prints the header, an example and the codes."
    )
    importers = IMPORTERS

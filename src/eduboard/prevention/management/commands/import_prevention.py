"""`manage.py import_prevention KIND FILE`: import absences or term results, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand
from eduboard.prevention.importers import IMPORTERS


class Command(ImportCommand):
    help = (
        "Import learners' absences (`absences`) or term results (`term_results`) from CSV/XLSX (all or nothing). "
        "`import_prevention absences --template` prints the header, an example and the codes."
    )
    importers = IMPORTERS

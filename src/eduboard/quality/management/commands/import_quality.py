"""`manage.py import_quality KIND FILE`: import observations, exam results or learner results, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand
from eduboard.quality.importers import IMPORTERS


class Command(ImportCommand):
    help = (
        "Import lesson observations, exam results or learners' results from CSV/XLSX (all or nothing). "
        "`import_quality observations --template` prints the header of the observation form in use."
    )
    importers = IMPORTERS

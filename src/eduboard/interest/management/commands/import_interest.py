"""`manage.py import_interest KIND FILE`: import festival participation rows, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand
from eduboard.interest.importers import IMPORTERS


class Command(ImportCommand):
    help = (
        "Import the festival participation of the city's collectives (`festival_participation`) from CSV/XLSX (all or "
        "nothing). `import_interest festival_participation --template` prints the header, an example and the codes."
    )
    importers = IMPORTERS

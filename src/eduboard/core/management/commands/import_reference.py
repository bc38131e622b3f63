"""`manage.py import_reference KIND FILE`: the board's reference lists with their names in Latvian, English and
Russian (asset kinds, funding sources, priority grounds, subjects, the centre's modules)."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a reference list with its names in Latvian, English and Russian from CSV/XLSX (all or nothing): "
        "a row names a record by its code (subjects: by the Latvian name); blank English or Russian cells keep "
        "what is there. `import_reference KIND --template` prints the header and an example."
    )
    area = "reference"  # each area registers its lists under it (core.reference_import.reference_importer)

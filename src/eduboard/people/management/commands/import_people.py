"""`manage.py import_people KIND FILE`: import staff or vacancies from a CSV or XLSX file, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand
from eduboard.people.importers import IMPORTERS


class Command(ImportCommand):
    help = "Import staff or vacancies from CSV/XLSX (all or nothing); warns when a person's total FTE passes the limit."
    importers = IMPORTERS

"""`manage.py import_registry KIND FILE`: import a CSV or XLSX file, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand
from eduboard.registry.importers import IMPORTERS


class Command(ImportCommand):
    help = "Import institutions, programmes, groups, learners or residents_elsewhere from CSV/XLSX (all or nothing)."
    importers = IMPORTERS

"""`manage.py import_projects KIND FILE`: import projects, partners, tranches or mobilities, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand
from eduboard.projects.importers import IMPORTERS


class Command(ImportCommand):
    help = "Import projects, partners, tranches (with payments received) or mobilities from CSV/XLSX (all or nothing)."
    importers = IMPORTERS

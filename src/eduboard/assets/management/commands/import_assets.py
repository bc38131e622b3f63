"""`manage.py import_assets KIND FILE`: import devices, loans, licences or rooms, all or nothing."""

from __future__ import annotations

from eduboard.assets.importers import IMPORTERS
from eduboard.core.commands import ImportCommand


class Command(ImportCommand):
    help = "Import devices (assets), loans, licences or rooms from CSV/XLSX (all or nothing)."
    importers = IMPORTERS

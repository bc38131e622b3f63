"""`manage.py import_finance KIND FILE`: import allocations, expenditures or cost rates, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand
from eduboard.finance.importers import IMPORTERS


class Command(ImportCommand):
    help = "Import allocations, expenditures or approved costs per learner from CSV/XLSX (all or nothing)."
    importers = IMPORTERS

"""Helpers shared by management commands."""

from __future__ import annotations

import argparse
from datetime import date


def iso_date(value: str) -> date:
    """argparse type for `YYYY-MM-DD`."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a date written YYYY-MM-DD") from None

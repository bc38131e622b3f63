#!/usr/bin/env python
"""Django's command-line utility for eduboard."""

import os
import sys
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduboard.settings")
    from django.core.management import execute_from_command_line

    from eduboard.core import board_wall

    # The database wall of this command's queries: every board, the board of --board CODE, or none for the
    # commands that serve requests and tasks (they name each one's boards).
    board_wall.set_process_scope(board_wall.command_scope(sys.argv))

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

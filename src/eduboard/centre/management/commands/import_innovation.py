"""`manage.py import_innovation KIND FILE`: import the centre's activities, slots, visits, events, competition teams
or course attendance, all or nothing."""

from __future__ import annotations

from eduboard.core.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the innovation centre's activities, slots, visits, events, competition teams or course attendance "
        "from CSV/XLSX (all or nothing). `import_innovation KIND --template` prints the header, an example and "
        "the codes."
    )
    area = "innovation"  # the kinds of the centre and of its competitions, courses and events apps

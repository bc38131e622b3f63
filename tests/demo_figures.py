"""Every figure the board reads from the demonstration data, as each area's stats command prints it, and the
readiness report's whole content: what a second `load_demo` must leave as it was (tests/test_demo.py) and what a
restored backup must give again (tests/core/test_backup_restore.py, in a `manage.py shell` of its own)."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

from django.core.management import call_command

from eduboard.core.scope import WHOLE_CITY
from eduboard.reports.selectors import flatten_figures, readiness_content
from eduboard.surveys.demo import CODE as SURVEY


def every_figure() -> dict[str, object]:
    """Every area's figures as its command prints them, and the readiness report's whole content."""

    def run(*args: str) -> str:
        out = StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    readiness = readiness_content(as_of=date(2024, 8, 20), visible_to=WHOLE_CITY)
    readiness.pop("built_at")  # when it was computed
    return {
        "registry_stats": run("registry_stats", "--as-of", "2024-08-20"),
        "people_stats": run("people_stats", "--as-of", "2024-08-19"),
        "finance_stats": run("finance_stats", "--as-of", "2024-08-14"),
        "quality_stats observations": run(
            "quality_stats", "observations", "--from", "2023-09-01", "--to", "2024-06-30"
        ),
        "quality_stats exams": run("quality_stats", "exams", "--year", "2024", "--exam", "ce_basic"),
        "quality_stats heads": run("quality_stats", "heads", "--as-of", "2024-08-20"),
        "prevention_stats": run("prevention_stats", "--as-of", "2025-01-31"),
        "projects_stats": run("projects_stats", "--as-of", "2024-08-20"),
        "survey_stats": run("survey_stats", SURVEY),
        "assets_stats": run("assets_stats", "--as-of", "2024-10-01"),
        "innovation_stats visits": run("innovation_stats", "visits", "--from", "2023-09-01", "--to", "2024-08-31"),
        "innovation_stats interest": run("innovation_stats", "interest", "--as-of", "2024-08-19"),
        "readiness": json.dumps(readiness, ensure_ascii=False, sort_keys=True, default=str),
        "readiness figures": len(flatten_figures(readiness)),
    }

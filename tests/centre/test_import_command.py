"""`manage.py import_innovation KIND FILE` and `--template` for the kinds of issue 21, as a person runs them: the
templates' headers are exactly the documented columns, and a file goes in through the command (all or nothing,
a second run changes nothing, a bad row named with its row and column)."""

from __future__ import annotations

import csv
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from eduboard.events.models import Event
from tests.imports_helpers import run_import_command

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

HEADERS = {
    "teams": ["competition", "discipline", "team", "school", "robot", "members", "coach_email"],
    "course_attendance": ["course", "personal_code_or_name", "school", "session_date", "present"],
    "events": ["title", "starts_at", "ends_at", "place", "organiser", "audience", "public"],
}


@pytest.mark.parametrize("kind", HEADERS)
def test_the_template_names_the_documented_columns_and_an_example(kind: str, tmp_path: Path) -> None:
    out, err = StringIO(), StringIO()
    call_command("import_innovation", kind, "--template", stdout=out, stderr=err)
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines[0] == HEADERS[kind]
    assert len(lines) >= 2 and len(lines[1]) == len(HEADERS[kind])  # an example row under the header
    target = tmp_path / f"{kind}.xlsx"
    call_command("import_innovation", kind, str(target), "--template", stdout=StringIO())
    assert target.read_bytes()[:2] == b"PK"  # an XLSX workbook to fill in


def test_the_events_file_goes_in_through_the_command_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        ",".join(HEADERS["events"]) + "\n"
        "Pedagogu Augusta konference,2024-08-27 10:00,2024-08-27 14:00,Vienības nams,,pedagogi,yes\n"
        "Zinību diena,2024-09-02,,,,skolēni,jā\n",
        encoding="utf-8",
    )
    first = run_import_command("import_innovation", "events", str(path))
    assert first.status == 0, first.err
    assert "2 rows, 2 created" in first.out
    assert run_import_command("import_innovation", "events", str(path)).out.count("2 unchanged") == 1
    path.write_text(
        ",".join(HEADERS["events"]) + "\nJauns pasākums,2024-09-03,,,,,yes\nSlikts,03.09.2024,,,,,yes\n",
        encoding="utf-8",
    )
    refused = run_import_command("import_innovation", "events", str(path))
    assert refused.status == 1 and "Traceback" not in refused.err
    assert any(line.startswith("row 3") and "starts_at" in line for line in refused.error_lines), refused.err
    assert not Event.objects.filter(title="Jauns pasākums").exists()  # nothing of the file was saved

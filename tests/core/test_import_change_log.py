"""The per-row change log of an import: kept with the job, what each row created or changed, audited when read."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import stored_files
from eduboard.core.models import ImportJob
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.importers import InstitutionImporter, LearnerImporter
from eduboard.registry.models import Enrolment, Learner
from eduboard.registry.synthetic import PersonalCodes
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
HEADER = (
    "personal_code,first_name,last_name,birth_date,declared_municipality,"
    "institution,school_year,group,enrolled_on,left_on\n"
)
CODES = PersonalCodes()


@pytest.fixture
def world() -> World:
    return build_world(pupils=1)


def upload(client: Client, text: str) -> ImportJob:
    response = client.post(
        "/imports/registry/learners/",
        {"file": SimpleUploadedFile("learners.csv", text.encode(), "text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    return ImportJob.objects.latest("pk")


def change_log(client: Client, job: ImportJob) -> list[dict[str, str]]:
    response = client.get(f"/imports/jobs/{job.pk}/changes.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_each_row_that_created_or_changed_something_is_logged_with_old_and_new_values(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    pupil = Learner.objects.get(enrolments__group=world.class_1a)
    new_code = CODES.for_birth_date(date(2017, 5, 4))
    text = (
        HEADER
        + f"{new_code},Anna,Liepa,2017-05-04,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
        + f"{pupil.personal_code},{pupil.first_name},Kalniņa,{pupil.birth_date},Daugavpils,"
        + "9000000011,2024/2025,1.a,2024-09-01,2025-01-31\n"
    )
    head = make_user(Role.INSTITUTION_HEAD, [world.school])
    client = signed_in(head)
    job = upload(client, text)
    assert job.status == ImportJob.Status.DONE
    assert job.change_log_entries == 4  # a new learner and enrolment; a renamed learner and a changed enrolment
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert f"/imports/jobs/{job.pk}/changes.csv" in page

    rows = change_log(client, job)
    by_row = {(row["row"], row["action"], row["field"]): row for row in rows}
    assert ("2", "created", "") in by_row  # row 2 made a learner and its enrolment
    assert new_code not in "".join(row["object"] for row in rows)  # codes are masked in the log
    renamed = by_row[("3", "updated", "last_name")]
    assert (renamed["old"], renamed["new"]) == (pupil.last_name, "Kalniņa")
    left = by_row[("3", "updated", "left_on")]
    assert (left["old"], left["new"]) == ("", "2025-01-31")
    assert Learner.objects.get(pk=pupil.pk).last_name == "Kalniņa"

    entry = LogEntry.objects.filter(actor=head, additional_data__export__startswith="change log").get()
    assert entry.additional_data["rows"] == 4


def test_a_second_identical_import_logs_nothing(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    code = CODES.for_birth_date(date(2017, 5, 4))
    text = HEADER + f"{code},Anna,Liepa,2017-05-04,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))
    upload(client, text)
    again = upload(client, text)
    assert (again.unchanged, again.change_log_entries) == (1, 0)
    assert change_log(client, again) == []


def test_a_refused_import_has_no_change_log(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    code = CODES.for_birth_date(date(2017, 5, 4))
    text = HEADER + f"{code},Anna,Liepa,2017-05-04,Daugavpils,9000000011,2024/2025,9.z,2024-09-01,\n"
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))
    job = upload(client, text)
    assert job.status == ImportJob.Status.FAILED
    assert job.change_log_path == ""
    _folders, files = stored_files.storage().listdir("imports")
    assert not [name for name in files if ".changes.csv.gz" in name]  # no change log, nor part of one, left behind
    assert client.get(f"/imports/jobs/{job.pk}/changes.csv").status_code == 404


def test_only_the_importer_and_the_board_read_a_change_log(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    code = CODES.for_birth_date(date(2017, 5, 4))
    text = HEADER + f"{code},Anna,Liepa,2017-05-04,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
    job = upload(signed_in(make_user(Role.INSTITUTION_HEAD, [world.school])), text)
    other_head = signed_in(make_user(Role.INSTITUTION_HEAD, [world.other_school]))
    assert other_head.get(f"/imports/jobs/{job.pk}/changes.csv").status_code == 404
    assert not LogEntry.objects.filter(additional_data__export__startswith="change log").exists()
    board = signed_in(make_user(Role.BOARD_ADMIN))
    assert len(change_log(board, job)) == 2


def test_a_formula_in_a_name_is_written_as_text_in_the_log(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    pupil = Learner.objects.get(enrolments__group=world.class_1a)
    text = (
        HEADER
        + f'{pupil.personal_code},"=HYPERLINK(""http://x"")",{pupil.last_name},{pupil.birth_date},Daugavpils,'
        + "9000000011,2024/2025,1.a,2024-09-01,\n"
    )
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))
    (renamed,) = [row for row in change_log(client, upload(client, text)) if row["field"] == "first_name"]
    assert renamed["new"] == """'=HYPERLINK("http://x")"""  # an apostrophe first: a spreadsheet shows it as text
    assert renamed["old"] == pupil.first_name


def test_the_board_s_import_logs_the_right_rows(world: World, tmp_path: Path) -> None:
    """Rows keep their numbers across the spool, for the board's import of the whole city."""
    codes = [CODES.for_birth_date(date(2017, 1, day)) for day in range(1, 6)]
    path = tmp_path / "learners.csv"
    path.write_text(
        HEADER
        + "".join(
            f"{code},Vārds{day},Uzvārds,2017-01-{day:02d},Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
            for day, code in enumerate(codes, start=1)
        ),
        encoding="utf-8",
    )
    log = tmp_path / "changes.csv.gz"
    importer = LearnerImporter(viewer=WHOLE_CITY)
    result = importer.run(path, change_log=log)
    assert (result.created, result.logged) == (5, 10)
    import gzip

    with gzip.open(log, "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted({int(row["row"]) for row in rows}) == [2, 3, 4, 5, 6]
    assert all("Vārds" in row["object"] for row in rows if row["object"].startswith("learner"))
    assert Enrolment.objects.filter(group=world.class_1a).count() == 6


def test_a_reorganisation_found_only_at_the_end_is_logged_on_its_row(world: World, tmp_path: Path) -> None:
    path = tmp_path / "institutions.csv"
    path.write_text(
        "registration_number,name,type,founder,opened_on,closed_on,joined_to\n"
        f"9000000015,{world.other_school.name},secondary,municipality,,,9000000011\n",
        encoding="utf-8",
    )
    log = tmp_path / "changes.csv.gz"
    result = InstitutionImporter(viewer=WHOLE_CITY).run(path, change_log=log)
    assert (result.updated, result.unchanged) == (1, 0)
    import gzip

    with gzip.open(log, "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["row"], row["field"], row["new"]) for row in rows] == [("2", "joined_to", "9000000011")]

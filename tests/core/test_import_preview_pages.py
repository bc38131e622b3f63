"""An import page's preview (issue 43, point 4): the file is tried whole and rolled back, the page shows what it
would create, change and leave; confirming saves exactly that, and is refused when the data changed in between."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import stored_files
from eduboard.core.models import ImportJob
from eduboard.registry.models import Programme
from tests.support.tasks import DATABASE_TASKS

pytestmark = pytest.mark.both_databases

HEADER = "code,name,level,special_needs,language\n"
FILE = (
    HEADER
    + "21011111,Pamatizglītības programma,basic,none,lv\n"
    + "31011011,Vispārējās vidējās izglītības programma,secondary,none,lv\n"
)


@pytest.fixture
def board(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(Role.BOARD_ADMIN))


def preview(client: Client, text: str = FILE) -> ImportJob:
    response = client.post(
        "/imports/registry/programmes/",
        {"file": SimpleUploadedFile("programmes.csv", text.encode(), "text/csv"), "action": "preview"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.latest("pk")


@pytest.mark.django_db(transaction=True)
def test_a_preview_shows_what_the_file_would_do_and_confirming_saves_exactly_that(board: Client) -> None:
    Programme.objects.create(code="21011111", name="Old name", level="basic")
    job = preview(board)
    assert (job.status, job.preview_only) == (ImportJob.Status.PREVIEWED, True)
    assert (job.rows, job.created, job.updated, job.unchanged) == (2, 1, 1, 0)
    # nothing saved: the changed row keeps its name, the new one is not there; the file is kept to be confirmed
    assert list(Programme.objects.values_list("code", "name")) == [("21011111", "Old name")]
    assert stored_files.exists(job.stored_path)
    page = board.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "Nothing is saved yet" in page or "Nekas vēl nav saglabāts" in page
    assert "31011011" in page  # the created row
    assert "Old name → Pamatizglītības programma" in page  # the changed row, old and new value
    assert f"/imports/jobs/{job.pk}/confirm/" in page

    response = board.post(f"/imports/jobs/{job.pk}/confirm/")
    assert response.status_code == 302 and response.url == f"/imports/jobs/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.created, job.updated, job.unchanged) == (ImportJob.Status.DONE, 1, 1, 0)
    assert dict(Programme.objects.values_list("code", "name")) == {
        "21011111": "Pamatizglītības programma",
        "31011011": "Vispārējās vidējās izglītības programma",
    }
    assert not stored_files.exists(job.stored_path)  # saved: the file is no longer kept
    # confirming twice does nothing more
    assert board.post(f"/imports/jobs/{job.pk}/confirm/").status_code == 302
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_a_confirm_is_refused_when_the_data_changed_after_the_preview(board: Client) -> None:
    job = preview(board)
    assert job.created == 2
    Programme.objects.create(code="21011111", name="Saved by someone else", level="basic")  # committed meanwhile
    page = board.post(f"/imports/jobs/{job.pk}/confirm/", follow=True).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "changed after this file was previewed" in job.errors[0]
    assert "Preview again" in page or "Priekšskatiet vēlreiz" in page
    assert list(Programme.objects.values_list("name", flat=True)) == ["Saved by someone else"]  # nothing saved
    # the file is kept: retrying it previews it again, against the data as it is now
    retry = board.post(f"/imports/jobs/{job.pk}/retry/")
    again = ImportJob.objects.latest("pk")
    assert retry.url == f"/imports/jobs/{again.pk}/"
    assert (again.status, again.created, again.updated) == (ImportJob.Status.PREVIEWED, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_the_worker_refuses_a_confirmed_import_when_the_data_changed_before_it_ran(
    board: Client, settings: Any
) -> None:
    job = preview(board)  # previewed by the immediate backend
    settings.TASKS = DATABASE_TASKS
    board.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED  # confirmed: waiting for a worker
    Programme.objects.create(code="21011111", name="Saved meanwhile", level="basic")
    call_command("worker", batch=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "changed after this file was previewed" in job.errors[0]
    assert Programme.objects.count() == 1


@pytest.mark.django_db
def test_only_the_sender_confirms_and_a_refused_file_is_not_offered_to_confirm(
    board: Client, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    bad = preview(board, HEADER + "21011111,Programme,no-such-level,none,lv\n")
    assert bad.status == ImportJob.Status.FAILED and bad.preview_only
    assert "/confirm/" not in board.get(f"/imports/jobs/{bad.pk}/").content.decode()
    good = preview(board)
    other = signed_in(make_user(Role.BOARD_ADMIN, username="another"))
    assert other.post(f"/imports/jobs/{good.pk}/confirm/").status_code == 404
    assert "/confirm/" not in other.get(f"/imports/jobs/{good.pk}/").content.decode()
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_import_without_preview_saves_at_once(board: Client) -> None:
    board.post(
        "/imports/registry/programmes/",
        {"file": SimpleUploadedFile("programmes.csv", FILE.encode(), "text/csv"), "action": "import"},
    )
    job = ImportJob.objects.latest("pk")
    assert (job.status, job.preview_only, job.created) == (ImportJob.Status.DONE, False, 2)
    assert Programme.objects.count() == 2

"""A full disk under MEDIA_ROOT while an upload is stored (docs/operations.md, "Faults"): the sender reads why on
the page (never a server error), and no job waits in the queue for a file that is not there. The disk is filled
where the storage writes the file (its `.part` before the rename), as in the report files' test."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import stored_files
from eduboard.core.models import ImportJob
from tests.support.tasks import DATABASE_TASKS

pytestmark = pytest.mark.both_databases

PROGRAMMES = "code,name,level,special_needs,language\n21011111,Pamatizglītības programma,basic,none,lv\n"
WRONG = "code,name,level,special_needs,language\n21011111,Pamatizglītības programma,no-such-level,none,lv\n"


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to fill the disk: from then on, writing a stored file's `.part` gets part of the way and fails
    with ENOSPC."""
    real_open = Path.open

    def open_on_a_full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if self.name.endswith(".part") and "w" in mode:
            with real_open(self, mode, *args, **kwargs) as handle:
                handle.write(b"code,na")  # something reached the disk before it filled up
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(self, mode, *args, **kwargs)

    return lambda: monkeypatch.setattr(Path, "open", open_on_a_full_disk)


def upload(client: Client, text: str) -> Any:
    return client.post(
        "/imports/registry/programmes/", {"file": SimpleUploadedFile("programmes.csv", text.encode(), "text/csv")}
    )


@pytest.mark.django_db(transaction=True)
def test_an_upload_on_a_full_disk_is_refused_on_the_page_and_queues_no_job(
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    full_disk: Callable[[], None],
    settings: Any,
    english: None,
) -> None:
    settings.TASKS = DATABASE_TASKS
    client = signed_in(make_user(Role.BOARD_ADMIN))
    full_disk()
    response = upload(client, PROGRAMMES)
    assert response.status_code == 200
    assert "disk is full" in response.content.decode()
    assert not ImportJob.objects.exclude(status=ImportJob.Status.FAILED).exists()  # none waits for the worker
    job = ImportJob.objects.get()
    assert "disk is full" in job.errors[0]
    assert job.stored_path == ""
    assert not DBTaskResult.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.part"))
    assert "disk is full" in client.get(f"/imports/jobs/{job.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_retry_on_a_full_disk_is_refused_with_a_message_and_queues_no_job(
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    full_disk: Callable[[], None],
    settings: Any,
    english: None,
) -> None:
    from eduboard.core.jobs import import_job_run

    settings.TASKS = DATABASE_TASKS
    client = signed_in(make_user(Role.BOARD_ADMIN))
    assert upload(client, WRONG).status_code == 302
    failed = ImportJob.objects.get()
    import_job_run(job_id=failed.pk)
    failed.refresh_from_db()
    assert failed.status == ImportJob.Status.FAILED
    assert stored_files.exists(failed.stored_path)  # kept for a retry
    DBTaskResult.objects.all().delete()
    full_disk()
    response = client.post(f"/imports/jobs/{failed.pk}/retry/", follow=True)
    assert response.status_code == 200
    assert "disk is full" in response.content.decode()
    retry = ImportJob.objects.exclude(pk=failed.pk).get()
    assert retry.status == ImportJob.Status.FAILED
    assert not DBTaskResult.objects.exists()

"""Uploaded and report files through Django's storage API on an S3-compatible store (issue 42, point 1): a local S3
server (moto's, in a process of its own) stands in for the bucket, so every application server and worker would see
the same files. The file system path is what every other test runs."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import stored_files
from eduboard.core.models import ImportJob
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.registry.models import Programme

pytestmark = pytest.mark.both_databases

pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")

PROGRAMMES = "code,name,level,special_needs,language\n21011111,Pamatizglītības programma,basic,none,lv\n"
KEYS = {"aws_access_key_id": "eduboard-test", "aws_secret_access_key": "eduboard-test-secret"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """A local S3-compatible server (moto in server mode) on a free port, for this module."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - the venv's own Python
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the local S3 server did not start")
            time.sleep(0.2)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def bucket(s3_server: str) -> Iterator[Any]:
    """A new bucket, and the default storage pointed at it (as STORAGE_S3_BUCKET and its settings do)."""
    name = f"eduboard-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=name)
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": name,
            "endpoint_url": s3_server,
            "region_name": "us-east-1",
            "access_key": KEYS["aws_access_key_id"],
            "secret_key": KEYS["aws_secret_access_key"],
            "default_acl": "private",
            "file_overwrite": True,
        },
    }
    from django.conf import settings

    with override_settings(STORAGES={**settings.STORAGES, "default": storage}):
        yield lambda: sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))


def test_a_file_is_kept_read_and_deleted_in_the_bucket(bucket: Callable[[], list[str]]) -> None:
    assert type(stored_files.storage()).__name__ == "S3Storage"
    assert stored_files.keep_whole("reports/a.pdf", io.BytesIO(b"%PDF first")) == "reports/a.pdf"
    stored_files.keep_whole("reports/a.pdf", io.BytesIO(b"%PDF second"))  # replaced, under the same name
    assert bucket() == ["reports/a.pdf"]
    assert stored_files.exists("reports/a.pdf") and stored_files.size("reports/a.pdf") == 11
    with stored_files.open_stored("reports/a.pdf") as handle:
        assert handle.read() == b"%PDF second"
    with stored_files.local_path("reports/a.pdf") as path:  # a copy on this machine, for a reader of paths
        assert path.read_bytes() == b"%PDF second"
    assert not path.exists()  # the copy is gone afterwards
    with stored_files.written("imports/log.csv.gz") as path:
        path.write_bytes(b"written")
    with pytest.raises(RuntimeError), stored_files.written("imports/never.csv") as path:
        path.write_bytes(b"half")
        raise RuntimeError("the writer failed")
    assert bucket() == ["imports/log.csv.gz", "reports/a.pdf"]  # nothing of the failed writer
    stored_files.delete("reports/a.pdf")
    stored_files.delete("reports/a.pdf")  # deleting what is gone is no error
    assert not stored_files.exists("reports/a.pdf")
    with pytest.raises(FileNotFoundError):
        stored_files.open_stored("reports/a.pdf")


@pytest.mark.django_db
def test_an_import_reads_its_upload_from_the_bucket_and_keeps_its_change_log_there(
    bucket: Callable[[], list[str]], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.BOARD_ADMIN))
    response = client.post(
        "/imports/registry/programmes/", {"file": SimpleUploadedFile("programmes.csv", PROGRAMMES.encode())}
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert (job.status, job.created) == (ImportJob.Status.DONE, 1)
    assert Programme.objects.get().code == "21011111"
    # The upload was in the bucket until the import was saved; the change log stays there.
    assert bucket() == [f"imports/{job.pk}.changes.csv.gz"] == [job.change_log_path]
    changes = client.get(f"/imports/jobs/{job.pk}/changes.csv")
    assert changes.status_code == 200
    assert b"21011111" in b"".join(changes.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_refused_import_keeps_its_file_in_the_bucket_for_a_retry(
    bucket: Callable[[], list[str]], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.BOARD_ADMIN))
    client.post("/imports/registry/programmes/", {"file": SimpleUploadedFile("programmes.csv", b"code,name\n")})
    failed = ImportJob.objects.latest("pk")
    assert failed.status == ImportJob.Status.FAILED
    assert bucket() == [f"imports/{failed.pk}.csv"]
    stored_files.keep_whole(failed.stored_path, io.BytesIO(PROGRAMMES.encode()))  # the file put right
    retried = client.post(f"/imports/jobs/{failed.pk}/retry/")
    retry = ImportJob.objects.latest("pk")
    assert retried.url == f"/imports/jobs/{retry.pk}/" and retry.status == ImportJob.Status.DONE
    assert f"imports/{retry.pk}.csv" not in bucket()  # saved: its copy is deleted, the failed one's kept
    assert f"imports/{failed.pk}.csv" in bucket()


@pytest.mark.django_db
def test_a_report_file_is_built_into_the_bucket_and_served_from_it(
    bucket: Callable[[], list[str]], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from eduboard.reports import services as report_services
    from eduboard.reports.models import FileJob

    board = make_user(Role.BOARD_ADMIN)
    edition = report_services.edition_create(
        school_year=school_year_get_or_create(code="2024/2025"), as_of=date(2024, 10, 1), viewer=board
    )
    client = signed_in(board)
    start = client.post(f"/reports/{edition.pk}/file/html/", {"lang": "lv"})
    job = FileJob.objects.get(pk=start.url.rstrip("/").rsplit("/", 1)[-1])
    assert job.status == FileJob.Status.DONE
    assert bucket() == [f"reports/{job.pk}.html"]
    served = client.get(f"/reports/jobs/{job.pk}/file/")
    body = b"".join(served.streaming_content)  # type: ignore[attr-defined]
    assert served.status_code == 200 and body.startswith(b"<!DOCTYPE html>") and len(body) == job.size


def test_a_path_recorded_before_the_storage_names_is_read_as_its_name(settings: Any) -> None:
    assert stored_files.stored_name(f"{settings.MEDIA_ROOT}/imports/7.csv") == "imports/7.csv"
    assert stored_files.stored_name("imports/7.csv") == "imports/7.csv"
    assert stored_files.stored_name("/elsewhere/7.csv") == "/elsewhere/7.csv"
    assert not stored_files.exists("/elsewhere/7.csv")  # never looked for outside the storage

"""An edition keeps the files made of it (issue 39, point 3): its page lists them newest first with their format,
language, date, maker and size, to the readers whose role includes what each file holds; a file still being made
shows its progress there; the job page links back; the edit page says the areas' help once (the new-edition
form: test_edition_form.py)."""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import stored_files
from eduboard.core.jobs import heartbeat_key
from eduboard.core.models import SchoolYear
from eduboard.registry.models import Institution
from eduboard.reports import jobs, services
from eduboard.reports.forms import AREA_DATE_HELP
from eduboard.reports.models import FileJob, ReportEdition
from eduboard.reports.selectors import edition_files

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]
AS_OF = date(2024, 8, 20)


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def board(demo: None, make_user: Callable[..., User]) -> User:
    return make_user(role=Role.BOARD_ANALYST, is_superuser=True, first_name="Anna", last_name="Bērziņa")


@pytest.fixture
def edition(board: User) -> ReportEdition:
    return services.edition_create(school_year=SchoolYear.objects.get(code="2024/2025"), as_of=AS_OF, viewer=board)


def make_file(client: Client, edition: ReportEdition, fmt: str, lang: str = "en") -> str:
    """Ask for a file of the edition as the users do (the worker runs it at once in the tests); its job id."""
    start = client.post(reverse("reports:edition_download", args=[edition.pk, fmt]), {"lang": lang})
    assert start.status_code == 302
    return str(start.url.rstrip("/").rsplit("/", 1)[-1])


def listed_files(html: str) -> list[str]:
    """The job ids of the files the edition's page lists, in its order."""
    return re.findall(r'<tr data-file="([0-9a-f]+)">', html)


def row_of(html: str, job_id: str) -> str:
    match = re.search(rf'<tr data-file="{job_id}">(.*?)</tr>', html, re.DOTALL)
    assert match is not None, job_id
    return re.sub(r"\s+", " ", match.group(1))


def test_the_editions_page_lists_every_file_made_of_it_newest_first_with_its_maker_and_size(
    edition: ReportEdition, board: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(board)
    first = make_file(client, edition, "html", lang="lv")
    second = make_file(client, edition, "xlsx")
    FileJob.objects.filter(pk=first).update(finished_at=timezone.now() - timedelta(minutes=5))

    html = client.get(edition.get_absolute_url()).content.decode()
    assert listed_files(html) == [second, first]  # newest first; the first file is kept
    row = row_of(html, first)
    assert "Anna Bērziņa" in row and "HTML" in row and "Latvian" in row
    size = FileJob.objects.get(pk=first).size
    assert size is not None and size == stored_files.size(jobs.job_file(FileJob.objects.get(pk=first)))
    assert f'href="{reverse("reports:job_file", args=[first])}"' in row
    assert "XLSX" in row_of(html, second) and "English" in row_of(html, second)
    for job_id in (first, second):
        response = client.get(reverse("reports:job_file", args=[job_id]))
        assert response.status_code == 200 and b"".join(response.streaming_content)


def test_a_file_is_listed_and_given_only_to_readers_whose_role_includes_what_it_holds(
    edition: ReportEdition, board: User, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    boards_file = make_file(signed_in(board), edition, "html")
    url = reverse("reports:job_file", args=[boards_file])

    analyst = signed_in(make_user(role=Role.BOARD_ANALYST))  # reads every figure the board's file holds
    assert listed_files(analyst.get(edition.get_absolute_url()).content.decode()) == [boards_file]
    assert analyst.get(url).status_code == 200

    observer = signed_in(make_user(role=Role.OBSERVER))  # opens the draft, but reads no money
    page = observer.get(edition.get_absolute_url())
    assert page.status_code == 200 and listed_files(page.content.decode()) == []
    assert observer.get(url).status_code == 404
    observers_file = make_file(observer, edition, "html")
    assert listed_files(observer.get(edition.get_absolute_url()).content.decode()) == [observers_file]
    # The observer's file leaves out what their role does not include: the board sees it, marked so.
    boards_page = signed_in(board).get(edition.get_absolute_url()).content.decode()
    assert listed_files(boards_page) == [observers_file, boards_file]
    assert "without the figures its maker's role does not include" in row_of(boards_page, observers_file)
    assert "without the figures" not in row_of(boards_page, boards_file)

    school = Institution.objects.get(registration_number="9000000011")
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[school]))  # a draft is not theirs to open
    assert head.get(url).status_code == 404


def test_a_published_editions_files_reach_a_head_only_when_they_hold_nothing_beyond_the_heads_role(
    edition: ReportEdition, board: User, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    published = services.edition_publish(edition_id=edition.pk, version=edition.version, viewer=board)
    boards_file = make_file(signed_in(board), published, "html")  # holds the settlements between municipalities
    school = Institution.objects.get(registration_number="9000000011")
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[school]))
    assert listed_files(head.get(published.get_absolute_url()).content.decode()) == []
    assert head.get(reverse("reports:job_file", args=[boards_file])).status_code == 404
    heads_file = make_file(head, published, "html")
    assert listed_files(head.get(published.get_absolute_url()).content.decode()) == [heads_file]
    other_head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[school]))
    assert other_head.get(reverse("reports:job_file", args=[heads_file])).status_code == 200


def test_a_file_being_made_shows_its_progress_on_the_editions_page_until_it_is_listed(
    edition: ReportEdition, board: User, signed_in: Callable[[User], Client]
) -> None:
    job = FileJob.objects.create(
        id=uuid.uuid4().hex,
        user=board,
        edition=edition,
        fmt="pdf",
        language="en",
        filename="readiness-2024-2025-1-en.pdf",
        status=FileJob.Status.RUNNING,
    )
    cache.set(heartbeat_key("report", job.pk), time.time())  # its worker is alive
    cache.set(jobs.progress_key(job.pk), (35, "figures"))
    client = signed_in(board)

    html = client.get(edition.get_absolute_url()).content.decode()
    assert '<progress value="35" max="100"' in html
    assert f'href="{reverse("reports:job", args=[job.pk])}"' in html
    assert f'data-hx-get="{edition.get_absolute_url()}"' in html
    assert listed_files(html) == []

    partial = client.get(edition.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<section id="edition-files"') and "<h1>" not in partial
    assert '<progress value="35"' in partial

    stored_files.keep_whole(jobs.job_file(job), io.BytesIO(b"%PDF-1.7 test"))
    FileJob.objects.filter(pk=job.pk).update(
        status=FileJob.Status.DONE, finished_at=timezone.now(), size=13, reads=["reports.view_reportedition"]
    )
    done = client.get(edition.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" not in done and "data-hx-get" not in done  # it stops asking
    assert listed_files(done) == [job.pk]


def test_the_job_page_links_back_to_the_edition(
    edition: ReportEdition, board: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(board)
    job_id = make_file(client, edition, "html")
    html = client.get(reverse("reports:job", args=[job_id])).content.decode()
    assert re.search(rf'<a href="{edition.get_absolute_url()}" id="job-back">Back to the edition</a>', html)


def test_the_edit_page_says_the_areas_help_once(
    edition: ReportEdition, board: User, signed_in: Callable[[User], Client]
) -> None:
    html = signed_in(board).get(reverse("reports:edition_edit", args=[edition.pk])).content.decode()
    assert html.count(str(escape(AREA_DATE_HELP))) == 1
    assert 'name="slot:challenges.text"' in html and 'name="version"' in html


def test_listing_an_editions_files_takes_as_many_queries_for_many_files_as_for_one(
    edition: ReportEdition, board: User, make_user: Callable[..., User]
) -> None:
    analyst = make_user(role=Role.BOARD_ANALYST)

    def add_file() -> None:
        FileJob.objects.create(
            id=uuid.uuid4().hex,
            user=make_user(role=Role.BOARD_ANALYST),
            edition=edition,
            fmt="html",
            language="lv",
            filename="readiness.html",
            status=FileJob.Status.DONE,
            finished_at=timezone.now(),
            reads=["reports.view_reportedition", "registry.view_learner"],
        )

    def queries() -> int:
        viewer = User.objects.get(pk=analyst.pk)  # a fresh user: its permissions read again
        with CaptureQueriesContext(connection) as captured:
            assert len(edition_files(edition=edition, viewer=viewer)) == FileJob.objects.count()
        return len(captured)

    add_file()
    queries()  # the deployment's count of boards read once, as every request after the first finds it kept
    one = queries()
    for _ in range(4):
        add_file()
    assert queries() == one


def test_a_file_whose_worker_died_is_made_again_by_the_workers_sweep(
    edition: ReportEdition, board: User, signed_in: Callable[[User], Client], settings: Any
) -> None:
    """A report file still running with no heartbeat (its worker died) is queued again by the sweep every worker
    runs (core.jobs.retake_abandoned, reports registering its own check) and made whole; its retakes spent, it fails."""
    from eduboard.core.jobs import retake_abandoned

    job_id = make_file(signed_in(board), edition, "html")
    FileJob.objects.filter(pk=job_id).update(status=FileJob.Status.RUNNING, size=None)
    retake_abandoned()  # the tests' immediate backend makes the file again at once
    job = FileJob.objects.get(pk=job_id)
    assert (job.status, job.retakes) == (FileJob.Status.DONE, 1)
    assert job.size == stored_files.size(jobs.job_file(job))
    FileJob.objects.filter(pk=job_id).update(status=FileJob.Status.RUNNING, retakes=settings.JOB_RETAKES)
    retake_abandoned()
    job.refresh_from_db()
    assert (job.status, job.retakes) == (FileJob.Status.FAILED, settings.JOB_RETAKES)
    assert "stopped before it ended" in job.error

"""Issue 60, point 1: an import job (its page, errors, preview and change log) is read within its board only.

A job is recorded with the board its sender worked for (`ImportJob.board`); `ImportJob.objects.visible_to` is the
one rule: the sender's own jobs, and, for the board's roles that read imports, their board's jobs. Every import kind
is tried on a deployment of two boards: the other board's roles get 404 everywhere, exactly like a missing job."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import stored_files
from eduboard.core.jobs import IMPORT_KINDS
from eduboard.core.models import ImportJob
from eduboard.core.scope import WHOLE_CITY, Narrowed
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

KINDS = sorted(IMPORT_KINDS)
FULL_CODE = "170317-12345"  # what a file said, shown in its job's errors, preview and change log


class Boards:
    """Board A (the world's school and preschool) and board B (the other school), with their users."""

    def __init__(self, make_user: Callable[..., User]) -> None:
        self.make_user = make_user
        self.world: World = build_world(pupils=1)
        call_command(
            "create_board", "--municipality", "Augšdaugavas novads", "--code", "augsdaugava", stdout=StringIO()
        )
        self.a, self.b = Board.objects.order_by("pk")
        Institution.objects.filter(pk=self.world.other_school.pk).update(board=self.b)
        self.head_a = make_user(Role.INSTITUTION_HEAD, [self.world.school])
        self.other_head_a = make_user(Role.INSTITUTION_HEAD, [self.world.preschool])
        self.head_b = make_user(Role.INSTITUTION_HEAD, [self.world.other_school])
        self.admin_a = self.board_user(Role.BOARD_ADMIN, self.a)
        self.analyst_a = self.board_user(Role.BOARD_ANALYST, self.a)
        self.admin_b = self.board_user(Role.BOARD_ADMIN, self.b)
        self.analyst_b = self.board_user(Role.BOARD_ANALYST, self.b)

    def board_user(self, role: str, board: Board) -> User:
        user = self.make_user(role)
        user.boards.set([board])
        return user

    def job(self, kind: tuple[str, str], *, by: User, status: str, number: int) -> ImportJob:
        """A finished job of `kind` sent by `by` (recorded with their board), holding a full personal code."""
        change_log = ""
        if status == ImportJob.Status.DONE:
            data = gzip.compress(f"row,action,object,field,old,new\n2,created,{FULL_CODE},,,\n".encode())
            change_log = stored_files.keep_whole(f"imports/scope-{number}.changes.csv.gz", io.BytesIO(data))
        preview = {
            "first": {"created": [{"row": 2, "object": FULL_CODE, "changes": []}]},
            "findings": [],
            "findings_total": 0,
        }
        return ImportJob.objects.create(
            area=kind[0],
            kind=kind[1],
            filename=f"{kind[1]}.csv",
            created_by=by,
            board_id=next(iter(by.board_ids())),
            status=status,
            rows=1,
            errors=[f"row 2, column personal_code: {FULL_CODE} is taken"] if status == ImportJob.Status.FAILED else [],
            total_errors=1 if status == ImportJob.Status.FAILED else 0,
            change_log_path=change_log,
            change_log_entries=1 if change_log else 0,
            preview=preview if status == ImportJob.Status.PREVIEWED else {},
        )


@pytest.fixture
def boards(make_user: Callable[..., User]) -> Boards:
    return Boards(make_user)


def pages(job: ImportJob) -> list[str]:
    """Every page that shows what a job's file said: the job page (errors, preview, result) and its change log."""
    return [f"/imports/jobs/{job.pk}/", f"/imports/jobs/{job.pk}/changes.csv"]


STATUSES = (ImportJob.Status.DONE, ImportJob.Status.PREVIEWED, ImportJob.Status.FAILED)


def test_every_kind_of_import_is_read_within_its_board_only(
    boards: Boards, signed_in: Callable[[User], Client]
) -> None:
    senders_and_statuses = [(sender, status) for sender in (boards.head_a, boards.admin_a) for status in STATUSES]
    jobs_of = {
        kind: [
            boards.job(kind, by=sender, status=status, number=index * 10 + number)
            for number, (sender, status) in enumerate(senders_and_statuses)
        ]
        for index, kind in enumerate(KINDS)
    }
    assert len(jobs_of) == len(IMPORT_KINDS) > 10
    every_job = [job for jobs in jobs_of.values() for job in jobs]
    assert {job.board for job in every_job} == {boards.a}
    # Every job, of every kind and status, to the other board's reader of imports; one job of each kind (senders and
    # statuses in turn) to each of the other outsiders (the pages' rule is one, ImportJob.objects.visible_to).
    for outsider in (boards.analyst_b, boards.admin_b, boards.head_b, boards.other_head_a):
        client = signed_in(outsider)
        assert not ImportJob.objects.visible_to(outsider).filter(pk__in=[job.pk for job in every_job]).exists()
        for index, (kind, jobs) in enumerate(jobs_of.items()):
            tried = jobs if outsider == boards.analyst_b else [jobs[index % len(jobs)]]
            for job in tried:
                for page in pages(job):
                    response = client.get(page)
                    assert response.status_code == 404, (outsider.role, kind, page)
                    assert FULL_CODE not in response.content.decode(errors="replace")
                assert client.post(f"/imports/jobs/{job.pk}/retry/").status_code == 404
                assert client.post(f"/imports/jobs/{job.pk}/confirm/").status_code == 404
            listing = client.get(f"/imports/{kind[0]}/{kind[1]}/")
            if listing.status_code == 200:  # the kinds this role imports: its own recent jobs, none of these
                assert not any(f"/imports/jobs/{job.pk}/" in listing.content.decode() for job in jobs)
    reader = signed_in(boards.analyst_a)  # the board's role that reads imports: its board's, every kind
    for job in every_job:
        page = reader.get(pages(job)[0])
        assert page.status_code == 200
        if job.status != ImportJob.Status.DONE:
            assert FULL_CODE in page.content.decode()  # the errors and the preview, as the sender sees them
        else:
            body = b"".join(reader.get(pages(job)[1]).streaming_content).decode()  # type: ignore[attr-defined]
            assert FULL_CODE in body


def test_the_job_list_of_the_import_page_shows_the_senders_own_jobs(
    boards: Boards, signed_in: Callable[[User], Client]
) -> None:
    kind = ("registry", "learners")
    mine = boards.job(kind, by=boards.admin_a, status=ImportJob.Status.DONE, number=1)
    theirs = boards.job(kind, by=boards.head_a, status=ImportJob.Status.DONE, number=2)
    page = signed_in(boards.admin_a).get("/imports/registry/learners/").content.decode()
    assert f"/imports/jobs/{mine.pk}/" in page
    assert f"/imports/jobs/{theirs.pk}/" not in page  # read on its page, but not among "your recent imports"
    assert set(ImportJob.objects.editable_by(boards.admin_a)) == {mine}
    assert set(ImportJob.objects.visible_to(boards.admin_a)) == {mine, theirs}


def test_the_rule_of_who_reads_a_job(boards: Boards) -> None:
    kind = ("registry", "learners")
    of_a = boards.job(kind, by=boards.head_a, status=ImportJob.Status.DONE, number=1)
    of_b = boards.job(kind, by=boards.head_b, status=ImportJob.Status.DONE, number=2)
    boardless = ImportJob.objects.create(area="registry", kind="learners", filename="x.csv", created_by=boards.head_a)
    assert set(ImportJob.objects.visible_to(boards.head_a)) == {of_a, boardless}  # a head: their own
    assert set(ImportJob.objects.visible_to(boards.other_head_a)) == set()
    assert set(ImportJob.objects.visible_to(boards.analyst_a)) == {of_a}
    assert set(ImportJob.objects.visible_to(boards.admin_b)) == {of_b}
    assert set(ImportJob.objects.visible_to(WHOLE_CITY)) == {of_a, of_b, boardless}
    narrowed = Narrowed(WHOLE_CITY, set(boards.b.institutions.values_list("pk", flat=True)), board_id=boards.b.pk)
    assert set(ImportJob.objects.visible_to(narrowed)) == {of_b}
    with pytest.raises(TypeError):
        ImportJob.objects.visible_to(None)  # type: ignore[arg-type]


def test_an_uploaded_file_is_recorded_with_its_senders_board(
    boards: Boards, signed_in: Callable[[User], Client]
) -> None:
    text = (
        "personal_code,first_name,last_name,birth_date,declared_municipality,"
        "institution,school_year,group,enrolled_on,left_on\n"
    )
    text += f"{FULL_CODE},Anna,Liepa,2017-03-17,Daugavpils,9000000011,2024/2025,1.a,2024-09-01,\n"
    client = signed_in(boards.head_a)
    response = client.post(
        "/imports/registry/learners/", {"file": SimpleUploadedFile("learners.csv", text.encode(), "text/csv")}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.board == boards.a
    assert signed_in(boards.analyst_a).get(f"/imports/jobs/{job.pk}/").status_code == 200
    assert signed_in(boards.analyst_b).get(f"/imports/jobs/{job.pk}/").status_code == 404

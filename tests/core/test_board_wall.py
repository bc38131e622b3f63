"""The second wall (core.board_wall, migrations registry/0016, 0020 and 0024_walls_fail_closed): on PostgreSQL,
row-level security holds the tables of children's data to the boards named for each query, even for a query that
forgets the application's scope, and a query nobody named boards for sees no walled row; SQLite keeps the
application's scope alone.

PostgreSQL exempts superusers and BYPASSRLS roles from every policy, and the test database's user may well be one:
the probes then run as a role that is neither (`eduboard_wall_probe`, made and dropped inside the test's own
transaction)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import ProgrammingError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, Loan
from eduboard.centre.models import Activity, Booking, Module, Slot
from eduboard.core import board_wall
from eduboard.core.board_wall import ALL, BoardWallMiddleware, wall_value
from eduboard.core.bulk_rows import insert_rows
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.dataquality.models import CheckRun, DataIssue
from eduboard.finance.models import MealContract
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.privacy.models import AccessRequest
from eduboard.registry.boards import Board
from eduboard.registry.models import Enrolment, Group, Institution, Learner, LearnerCorrection, Programme, QueueEntry
from eduboard.registry.synthetic import PersonalCodes
from eduboard.surveys.models import AccessCode, Response, Survey

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PROBE = "eduboard_wall_probe"
#: The walled tables and the model of each.
WALLED = {
    "registry_enrolment": Enrolment,
    "prevention_absence": Absence,
    "prevention_termresult": TermResult,
    "prevention_supportplan": SupportPlan,
    "assets_loan": Loan,
    "surveys_accesscode": AccessCode,
    "innovation_booking": Booking,
    "registry_queueentry": QueueEntry,
    "surveys_response": Response,
    "registry_learnercorrection": LearnerCorrection,
    "privacy_accessrequest": AccessRequest,
    "finance_mealcontract": MealContract,
    "dataquality_dataissue": DataIssue,
}
#: The walled tables whose reads are held too (every board reads every enrolment).
READ_WALLED = [table for table in WALLED if table != "registry_enrolment"]
CODES = PersonalCodes()
DAY = date(2024, 10, 1)


def on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite keeps the application's scope")


@dataclass
class Side:
    """One board's institution and one row of each walled table."""

    board: Board
    school: Institution
    group: Group
    learner: Learner
    rows: dict[str, int]


def side(code: str, number: int, survey: Survey, module: Module) -> Side:
    board = Board.objects.create(code=code, name=f"{code} pārvalde", council=f"{code} dome")
    school = Institution.objects.create(
        board=board, name=f"{code} skola", type="basic", registration_number=f"{9000000100 + number:010d}"
    )
    programme = Programme.objects.get_or_create(code="21011111", defaults={"name": "Pamatizglītība", "level": "basic"})[
        0
    ]
    year = school_year_get_or_create(code="2024/2025")
    group = Group.objects.create(institution=school, school_year=year, programme=programme, name="5.a", grade=5)
    birth = date(2013, 3, 1) + timedelta(days=number)
    learner = Learner.objects.create(
        personal_code=CODES.for_birth_date(birth), first_name="Anna", last_name=code.title(), birth_date=birth
    )
    asset = Asset.objects.create(
        inventory_number=f"{code}-1", kind=AssetKind.objects.get(code="chromebook"), institution=school
    )
    activity = Activity.objects.create(
        centre=school,
        code=f"robo-{code}",
        kind="workshop",
        module=module,
        duration_min=90,
        places=20,
        languages="lv",
        title_lv="Robotika",
    )
    slot = Slot.objects.create(activity=activity, date=DAY, start=time(10), end=time(11, 30), places=20)
    rows = {
        "registry_enrolment": Enrolment.objects.create(learner=learner, group=group, enrolled_on=DAY),
        "prevention_absence": Absence.objects.create(
            learner=learner, institution=school, date=DAY, lessons=3, excused=False
        ),
        "prevention_termresult": TermResult.objects.create(
            learner=learner, institution=school, school_year=year, term="1", subject="Matemātika", grade="3"
        ),
        "prevention_supportplan": SupportPlan.objects.create(
            learner=learner, institution=school, measures="Konsultācijas", started_on=DAY
        ),
        "assets_loan": Loan.objects.create(asset=asset, learner=learner, lent_on=DAY),
        "surveys_accesscode": AccessCode.objects.create(
            survey=survey, code=f"CODE{number}", institution=school, audience="pupils_5_12"
        ),
        "innovation_booking": Booking.objects.create(
            slot=slot,
            school=school,
            school_name=school.name,
            municipality=code,
            contact_name="Anna",
            email="anna@example.lv",
            phone="+37120000000",
            group_size=10,
            grade="5",
            language="lv",
            token=f"token-{code}",
        ),
    }
    rows["registry_queueentry"] = QueueEntry.objects.create(
        child=learner, registered_on=DAY, wanted_start_on=DAY, first_choice=school
    )
    rows["surveys_response"] = Response.objects.create(
        survey=survey, key=f"response-{code}", institution=school, audience="pupils_5_12"
    )
    rows["registry_learnercorrection"] = LearnerCorrection.objects.create(
        learner=learner, field="first_name", old_value="Ana", new_value="Anna", reason="typo", via="page"
    )
    rows["privacy_accessrequest"] = AccessRequest.objects.create(learner=learner, requester="Parent")
    rows["finance_mealcontract"] = MealContract.objects.create(learner=learner, signed_on=DAY)
    run = CheckRun.objects.create(board=board, as_of=DAY, trigger="nightly")
    rows["dataquality_dataissue"] = DataIssue.objects.create(
        run=run, board=board, rule="age_outside_grade", severity="warning", object=str(learner.pk)
    )
    return Side(board, school, group, learner, {table: row.pk for table, row in rows.items()})


@pytest.fixture
def boards() -> tuple[Side, Side]:
    on_postgresql()
    ensure_standard_kinds()  # a flush of an earlier test of the worker may have emptied them
    survey = Survey.objects.create(code="wall", title_lv="Aptauja")
    module = Module.objects.get_or_create(code="wall-module", defaults={"name_lv": "Modulis"})[0]
    return side("wall-a", 1, survey, module), side("wall-b", 2, survey, module)


@contextmanager
def probe(boards: str) -> Iterator[CursorWrapper]:
    """A cursor that row security holds, with the setting `eduboard.wall` = `boards` (what core.board_wall sends
    before each query of the block); everything it does (the role it makes, the rows it writes) is rolled back at
    the end. The ORM's queries meanwhile run the same way."""
    with transaction.atomic(), board_wall._named(boards), connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute(
                f"DO $$ BEGIN CREATE ROLE {PROBE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
            cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {PROBE}")
            cursor.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(WALLED)} TO {PROBE}")
            cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {PROBE}")
            cursor.execute(f"SET LOCAL ROLE {PROBE}")
        yield cursor
        transaction.set_rollback(True)


def ids(cursor: CursorWrapper, table: str) -> set[int]:
    cursor.execute(f"SELECT id FROM {table}")  # noqa: S608 - the table names are this file's own
    return {row[0] for row in cursor.fetchall()}


def count(cursor: CursorWrapper, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
    found: int = cursor.fetchone()[0]
    return found


# --- the policies


def test_a_board_s_setting_shows_its_rows_and_none_of_the_other_board_s(boards: tuple[Side, Side]) -> None:
    on_postgresql()
    a, b = boards
    for mine, theirs in ((a, b), (b, a)):
        with probe(str(mine.board.pk)) as cursor:
            for table in READ_WALLED:
                assert count(cursor, table) == 1, table
                assert ids(cursor, table) == {mine.rows[table]}, table
            # Every board reads every enrolment (the migration says why); the wall holds their writes.
            assert ids(cursor, "registry_enrolment") == {
                mine.rows["registry_enrolment"],
                theirs.rows["registry_enrolment"],
            }


def test_the_wall_fails_closed_and_every_board_must_be_named(boards: tuple[Side, Side]) -> None:
    """No setting, an empty one, "0" or a malformed one: no walled row at all; `*` or both boards' ids: every row."""
    on_postgresql()
    a, b = boards
    for setting in ("", "0", "1;2", "all", f"{a.board.pk}, {b.board.pk}"):
        with probe(setting) as cursor:
            for table in READ_WALLED:
                assert ids(cursor, table) == set(), (setting, table)
    for setting in (ALL, f"{a.board.pk},{b.board.pk}"):
        with probe(setting) as cursor:
            for table in WALLED:
                assert ids(cursor, table) >= {a.rows[table], b.rows[table]}, (setting, table)


def test_every_table_of_children_s_data_is_walled_or_said_why_not() -> None:
    """Every model of CHILDREN_PERSONAL_DATA has the failing-closed policy on its table, FORCEd, or is one of the
    two docs/boards.md names with its reason (learners, and enrolments' reads)."""
    on_postgresql()
    from django.apps import apps

    from eduboard.core.audit_policy import CHILDREN_PERSONAL_DATA

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relforcerowsecurity, p.qual FROM pg_class c"
            " LEFT JOIN pg_policies p ON p.tablename = c.relname AND p.policyname = 'board_wall'"
            " WHERE c.relrowsecurity"
        )
        walled = {name: (forced, qual or "") for name, forced, qual in cursor.fetchall()}
    not_walled = {"registry.Learner"}
    docs = (Path(__file__).resolve().parents[2] / "docs" / "boards.md").read_text(encoding="utf-8")
    for label in sorted(CHILDREN_PERSONAL_DATA - not_walled):
        table = apps.get_model(label)._meta.db_table
        assert table in walled, label
        forced, qual = walled[table]
        assert forced and "eduboard_wall_open()" in qual, (label, qual)
    for label in not_walled:
        assert f"`{label}`" in docs, label
    assert "`registry.Enrolment`" in docs  # read by every board: the reason is written there


def test_a_booking_is_seen_by_the_centre_s_board_and_by_the_booking_school_s_board(
    boards: tuple[Side, Side],
) -> None:
    on_postgresql()
    a, b = boards
    # A school of board B books a slot at board A's centre.
    Booking.objects.filter(pk=b.rows["innovation_booking"]).update(
        slot=Booking.objects.get(pk=a.rows["innovation_booking"]).slot
    )
    with probe(str(b.board.pk)) as cursor:
        assert ids(cursor, "innovation_booking") == {b.rows["innovation_booking"]}
    with probe(str(a.board.pk)) as cursor:
        assert ids(cursor, "innovation_booking") == {a.rows["innovation_booking"], b.rows["innovation_booking"]}


ENROLMENT_INSERT = (
    "INSERT INTO registry_enrolment (learner_id, group_id, enrolled_on, left_on, leaving_reason,"
    " leaving_reason_inferred, leaving_note, version, created_at, updated_at)"
    " VALUES (%s, %s, %s, NULL, '', false, '', 1, now(), now())"
)


def test_a_board_cannot_write_another_board_s_rows(boards: tuple[Side, Side]) -> None:
    on_postgresql()
    a, b = boards
    later = DAY + timedelta(days=30)
    with probe(str(a.board.pk)) as cursor:
        cursor.execute(ENROLMENT_INSERT, [b.learner.pk, a.group.pk, later])  # into its own group: allowed
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            cursor.execute(ENROLMENT_INSERT, [a.learner.pk, b.group.pk, later])  # into B's group: refused
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            cursor.execute(  # its own row moved into B's group: refused
                "UPDATE registry_enrolment SET group_id = %s WHERE id = %s",
                [b.group.pk, a.rows["registry_enrolment"]],
            )
        # B's rows, the enrolment too though it reads it, are not there to change or remove.
        for statement, table in (
            ("UPDATE registry_enrolment SET leaving_note = 'x' WHERE id = %s", "registry_enrolment"),
            ("DELETE FROM registry_enrolment WHERE id = %s", "registry_enrolment"),
            ("UPDATE prevention_supportplan SET measures = 'x' WHERE id = %s", "prevention_supportplan"),
            ("DELETE FROM prevention_absence WHERE id = %s", "prevention_absence"),
        ):
            cursor.execute(statement, [b.rows[table]])
            assert cursor.rowcount == 0, statement
    assert Enrolment.objects.get(pk=b.rows["registry_enrolment"]).leaving_note == ""
    assert SupportPlan.objects.get(pk=b.rows["prevention_supportplan"]).measures == "Konsultācijas"
    assert Absence.objects.filter(pk=b.rows["prevention_absence"]).exists()


def test_bulk_inserts_into_a_walled_table_pass_through_the_wall(boards: tuple[Side, Side]) -> None:
    """PostgreSQL refuses COPY into a table under row security: the importers' bulk insert writes rows there, and
    the wall checks each one."""
    on_postgresql()
    a, b = boards
    fields = ["learner", "group", "enrolled_on"]
    later = DAY + timedelta(days=30)
    with probe(str(a.board.pk)):
        new_ids = insert_rows(Enrolment, fields, [(b.learner.pk, a.group.pk, later)], with_ids=True)
        assert new_ids is not None
        assert list(Enrolment.objects.filter(pk__in=new_ids).values_list("learner", "group")) == [
            (b.learner.pk, a.group.pk)
        ]
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            insert_rows(Enrolment, fields, [(a.learner.pk, b.group.pk, later)])


def test_behind_the_wall_a_board_still_may_not_change_another_board_s_learner(
    boards: tuple[Side, Side], make_user: Callable[..., User]
) -> None:
    """A learner is national: who may change their record is decided from their places in every board. Were other
    boards' enrolments hidden, board B's learner would look enrolled nowhere, which anyone may change."""
    on_postgresql()
    a, b = boards
    admin = make_user(Role.BOARD_ADMIN)
    admin.boards.set([a.board])
    with probe(str(a.board.pk)):
        editable = set(Learner.objects.editable_by(admin).values_list("pk", flat=True))
    assert b.learner.pk not in editable
    assert editable == {a.learner.pk}


# --- setting the wall


def test_wall_values() -> None:
    assert wall_value(None) == "*"  # every board, named
    assert wall_value(set()) == ""  # no board: no row
    assert wall_value({12, 3}) == "3,12"


def test_on_sqlite_the_wall_sends_nothing(
    make_user: Callable[..., User], signed_in: Callable[[User], Any], school_a: Institution
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's side of the wall")
    user = make_user(Role.INSTITUTION_HEAD, [school_a])
    with CaptureQueriesContext(connection) as queries, board_wall.for_boards({1}):
        board_wall.sync(connection)
    assert len(queries) == 0
    client = signed_in(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/registry/learners/").status_code == 200
    assert not [query for query in queries if "set_config" in query["sql"]]


def current_wall() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(current_setting('eduboard.wall', true), '')")
        found: str = cursor.fetchone()[0]
        return found


def through_middleware(
    user: Any, respond: Callable[[], HttpResponseBase] | None = None
) -> tuple[str, HttpResponseBase]:
    """The setting a view sees when `user` asks, and the response."""
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponseBase:
        seen.append(current_wall())
        return respond() if respond else HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = user
    response = BoardWallMiddleware(view)(request)
    return seen[0], response


def test_the_middleware_walls_a_request_to_the_user_s_boards_and_an_anonymous_one_to_none(
    boards: tuple[Side, Side], make_user: Callable[..., User]
) -> None:
    on_postgresql()
    a, b = boards
    head = make_user(Role.INSTITUTION_HEAD, [a.school])
    analyst = make_user(Role.BOARD_ANALYST)
    analyst.boards.set([a.board, b.board])
    ministry = make_user(Role.MINISTRY)
    superuser = make_user(Role.BOARD_ADMIN, is_superuser=True)
    assert through_middleware(head)[0] == str(a.board.pk)
    assert current_wall() == ALL  # the tests' process names every board, as a command does
    assert through_middleware(analyst)[0] == f"{min(a.board.pk, b.board.pk)},{max(a.board.pk, b.board.pk)}"
    assert through_middleware(make_user(Role.INSTITUTION_STAFF))[0] == ""  # no institution: no board
    assert through_middleware(AnonymousUser())[0] == ""
    for open_to_all in (ministry, superuser):
        assert through_middleware(open_to_all)[0] == ALL
    assert current_wall() == ALL


def test_a_board_role_where_there_is_one_board_sees_every_board_and_costs_no_counted_query(
    make_user: Callable[..., User], school_a: Institution
) -> None:
    on_postgresql()
    analyst = make_user(Role.BOARD_ANALYST)
    head = make_user(Role.INSTITUTION_HEAD, [school_a])
    assert Board.objects.count() == 1
    assert analyst.institution_scope() is None  # read by every view anyway, and kept on the user
    with CaptureQueriesContext(connection) as queries:
        assert through_middleware(analyst)[0] == ALL
    assert len(queries) == 1  # the view's own question: the setting goes on the driver's cursor
    assert through_middleware(head)[0] == str(school_a.board_id)  # an institution's role is walled still


def test_a_token_request_is_walled_to_the_token_user_s_boards(
    boards: tuple[Side, Side], make_user: Callable[..., User]
) -> None:
    """The middleware sees an anonymous request (DRF finds the token's user later); the token's user then holds the
    rest of the request to their boards."""
    on_postgresql()
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response as ApiResponse
    from rest_framework.views import APIView

    from eduboard.accounts.services import api_token_create

    a = boards[0]
    head = make_user(Role.INSTITUTION_HEAD, [a.school])
    secret = api_token_create(account=head, name="probe")[1]
    seen: list[str] = []

    class Probe(APIView):
        permission_classes = [IsAuthenticated]

        def get(self, request: Any) -> ApiResponse:
            seen.append(current_wall())
            return ApiResponse({"ok": True})

    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {secret}")
    request.user = AnonymousUser()
    response = BoardWallMiddleware(Probe.as_view())(request)
    assert response.status_code == 200
    assert seen == [str(a.board.pk)]
    assert current_wall() == ALL


def test_a_view_that_fails_leaves_the_process_s_scope(
    boards: tuple[Side, Side], make_user: Callable[..., User]
) -> None:
    on_postgresql()
    head = make_user(Role.INSTITUTION_HEAD, [boards[0].school])

    def fail() -> HttpResponse:
        raise RuntimeError("the view broke")

    with pytest.raises(RuntimeError):
        through_middleware(head, fail)
    assert current_wall() == ALL


def test_a_streamed_response_is_produced_behind_the_wall(
    boards: tuple[Side, Side], make_user: Callable[..., User]
) -> None:
    on_postgresql()
    a = boards[0]
    head = make_user(Role.INSTITUTION_HEAD, [a.school])

    def lines() -> Iterator[str]:
        yield current_wall()

    _seen, response = through_middleware(head, lambda: StreamingHttpResponse(lines()))
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(cast(Iterator[bytes], response.streaming_content)) == str(a.board.pk).encode()
    assert current_wall() == ALL


def test_a_rollback_that_undoes_the_setting_is_followed_by_sending_it_again() -> None:
    """A setting sent inside a transaction (here a savepoint) is undone by its rollback: the next query has it
    sent again, never the value from before."""
    on_postgresql()
    with board_wall.for_boards({7}):
        with transaction.atomic():
            assert current_wall() == "7"
            transaction.set_rollback(True)
        assert current_wall() == "7"
    with board_wall.nobody():
        assert current_wall() == ""
    assert current_wall() == ALL


def test_a_command_names_every_board_its_board_or_none_when_it_serves() -> None:
    assert board_wall.command_scope(["manage.py", "check_data"]) == ALL
    assert board_wall.command_scope(["manage.py", "worker"]) == ""
    assert board_wall.command_scope(["manage.py", "runserver", "0:8000"]) == ""
    named = board_wall.command_scope(["manage.py", "build_report", "--board", "rezekne"])
    assert isinstance(named, board_wall._BoardNamed) and named.code == "rezekne"
    named = board_wall.command_scope(["manage.py", "build_report", "--board=dp"])
    assert isinstance(named, board_wall._BoardNamed) and named.code == "dp"


def test_a_command_s_board_is_looked_up_by_its_code(boards: tuple[Side, Side]) -> None:
    on_postgresql()
    a = boards[0]
    assert board_wall._BoardNamed(a.board.code.upper()).resolve(connection) == str(a.board.pk)
    assert board_wall._BoardNamed("no-such-board").resolve(connection) == ""


def test_whole_deployment_work_is_recorded_with_its_reason() -> None:
    from auditlog.models import LogEntry

    with board_wall.whole_deployment(reason="the nightly retention of every board"):
        if connection.vendor == "postgresql":
            assert current_wall() == ALL
    entry = LogEntry.objects.filter(object_repr="the whole deployment").latest("pk")
    assert entry.additional_data == {"read": "whole deployment", "reason": "the nightly retention of every board"}

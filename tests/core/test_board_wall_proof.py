"""The proof that the second wall holds on its own (issue 60): the loans' queryset scope is removed on purpose (as
issue 37's proofs did), so the application's first wall lets every board's loans through, and PostgreSQL's row
security still hides board A's loans from board B's administrator, on every path: a page of the session, the API
with a token, a job of the worker and a command with `--board`.

The queries run as a role that is neither a superuser nor BYPASSRLS (`eduboard_wall_probe`, made inside the test's
own transaction and rolled back with it), as the application's own database user must be; the test client's
requests run on the same connection."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, Loan, LoanQuerySet
from eduboard.core import board_wall
from eduboard.core.figures_cache import refresh_figures
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution, Learner
from eduboard.registry.synthetic import PersonalCodes

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PROBE = "eduboard_wall_probe"
DAY = date(2024, 10, 1)
CODES = PersonalCodes()


def lend(board: Board, number: int, loans: int) -> Institution:
    school = Institution.objects.create(
        board=board, name=f"{board.code} skola", type="basic", registration_number=f"{9000000200 + number:010d}"
    )
    for n in range(loans):
        birth = date(2012, 1, 1) + timedelta(days=number * 100 + n)
        learner = Learner.objects.create(
            personal_code=CODES.for_birth_date(birth),
            first_name="Anna",
            last_name=f"Ozola{number}x{n}",
            birth_date=birth,
        )
        asset = Asset.objects.create(
            inventory_number=f"{board.code.upper()}-{n:03d}",
            kind=AssetKind.objects.get(code="chromebook"),
            institution=school,
        )
        Loan.objects.create(asset=asset, learner=learner, lent_on=DAY)
    return school


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, make_user: Callable[..., User]) -> Iterator[tuple[User, int, int]]:
    """Board A lends 3 devices, board B 2; B's administrator; the loans' scope removed; the queries from here on
    run as a role row security holds."""
    if connection.vendor != "postgresql":
        pytest.skip("the second wall is PostgreSQL's row-level security")
    ensure_standard_kinds()
    a = Board.objects.create(code="proof-a", name="A pārvalde", council="A dome")
    b = Board.objects.create(code="proof-b", name="B pārvalde", council="B dome")
    lend(a, 1, 3)
    school_b = lend(b, 2, 2)
    admin = make_user(Role.BOARD_ADMIN)
    admin.boards.set([b])
    assert school_b.board_id == b.pk
    monkeypatch.setattr(LoanQuerySet, "visible_to", lambda self, viewer: self)  # the first wall removed
    monkeypatch.setattr(LoanQuerySet, "editable_by", lambda self, viewer: self)
    assert Loan.objects.visible_to(admin).count() == 5  # the application's scope now lets every loan through
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute(
                f"DO $$ BEGIN CREATE ROLE {PROBE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
            cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {PROBE}")
            cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {PROBE}")
            cursor.execute(f"SET LOCAL ROLE {PROBE}")
    yield admin, a.pk, b.pk


def test_a_session_page_shows_only_the_board_s_loans(world: tuple[User, int, int], signed_in: Any) -> None:
    admin, _a, _b = world
    client: Client = signed_in(admin)
    response = client.get("/assets/loans/")
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "PROOF-B-000" in page and "PROOF-B-001" in page
    assert "PROOF-A-" not in page


def test_a_token_request_shows_only_the_board_s_loans(world: tuple[User, int, int]) -> None:
    admin, _a, _b = world
    secret = api_token_create(account=admin, name="proof")[1]
    response = Client().get("/api/assets/loans/?page_size=100", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == 2
    assert "PROOF-A-" not in json.dumps(rows)


@pytest.fixture
def in_the_worker() -> Iterator[None]:
    """The worker's process names no board (`manage.py worker`): each task names its own."""
    board_wall.set_process_scope(board_wall.NONE)
    try:
        yield
    finally:
        board_wall.set_process_scope(board_wall.ALL)


def test_a_worker_job_reads_only_the_board_of_the_person_who_asked(
    world: tuple[User, int, int], in_the_worker: None
) -> None:
    admin, _a, _b = world
    key, latest = "proof:assets_stats", "proof:assets_stats:latest"
    refresh_figures.call(
        name="eduboard.assets.selectors.assets_stats",
        arguments={"as_of": {"date": DAY.isoformat()}},
        who={"user": admin.pk},
        language="lv",
        key=key,
        latest=latest,
    )
    figures = cache.get(key)
    assert figures is not None
    assert figures["on_loan_to_learners"] == 2  # board B's two, not all five


def test_a_command_with_board_reads_only_that_board(world: tuple[User, int, int]) -> None:
    _admin, _a, _b = world
    argv = ["manage.py", "assets_stats", "--board", "proof-b", "--as-of", DAY.isoformat()]
    board_wall.set_process_scope(board_wall.command_scope(argv))  # what manage.py does for this command line
    try:
        out = StringIO()
        call_command(*argv[1:], stdout=out)
    finally:
        board_wall.set_process_scope(board_wall.ALL)
    figures = json.loads(out.getvalue())
    assert figures["on_loan_to_learners"] == 2  # board B's two loans, not all five

"""A write renews only the figures it can change (core.figures_cache): its institution's and its board's, when its
table's rows each belong to one institution and its writer is placed; the whole area otherwise. Figures that read
rows outside their viewer's scope say so, and are renewed by every board's writes. Every figure read after a write
equals a plain computation of it (the selector uncached)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core import figures_cache
from eduboard.core.figures_cache import cached_figures, institution_tables, reads_beyond_scope, writing_as
from eduboard.core.models import DataGeneration
from eduboard.core.scope import Viewer, institution_scope
from eduboard.registry.boards import Board
from eduboard.registry.models import Enrolment, Institution, Learner
from eduboard.registry.selectors import registry_figures, registry_stats
from tests.registry.world import CODES, World, build_world, learner

pytestmark = pytest.mark.both_databases

AS_OF = date(2024, 10, 1)


@dataclass
class Boards:
    world: World
    first: Board
    second: Board
    first_analyst: User
    second_analyst: User
    head_a: User  # of world.school, first board
    head_b: User  # of world.other_school, second board


@pytest.fixture
def boards(transactional_db: None, make_user: Callable[..., User]) -> Boards:
    world = build_world(pupils=3)
    call_command("create_board", "--municipality", "Augšdaugavas novads", "--code", "augsdaugava", stdout=StringIO())
    first, second = Board.objects.order_by("pk")
    Institution.objects.filter(pk=world.other_school.pk).update(board=second)
    first_analyst, second_analyst = make_user(Role.BOARD_ANALYST), make_user(Role.BOARD_ANALYST)
    first_analyst.boards.set([first])
    second_analyst.boards.set([second])
    head_a = make_user(Role.INSTITUTION_HEAD, [world.school])
    head_b = make_user(Role.INSTITUTION_HEAD, [world.other_school])
    return Boards(world, first, second, first_analyst, second_analyst, head_a, head_b)


def fresh(user: User) -> User:
    """The user as a new request loads them (their scope read again)."""
    return User.objects.get(pk=user.pk)


def viewers(b: Boards) -> list[User]:
    return [fresh(user) for user in (b.first_analyst, b.second_analyst, b.head_a, b.head_b)]


def tokens() -> dict[str, str]:
    return dict(DataGeneration.objects.values_list("area", "token"))


def renewed(before: dict[str, str]) -> set[str]:
    after = tokens()
    return {name for name, token in before.items() if after.get(name) != token}


def warm(b: Boards) -> None:
    for viewer in viewers(b):
        registry_stats(as_of=AS_OF, visible_to=viewer)


def assert_plain(b: Boards) -> None:
    """Every viewer's figures as read now equal the selectors computed afresh."""
    for viewer in viewers(b):
        assert registry_figures(as_of=AS_OF, visible_to=viewer) == registry_figures.uncached(
            as_of=AS_OF, visible_to=viewer
        ), viewer
        assert registry_stats(as_of=AS_OF, visible_to=viewer) == {
            **registry_figures.uncached(as_of=AS_OF, visible_to=viewer),
            **figures_cache_uncached_residents(viewer),
        }, viewer


def figures_cache_uncached_residents(viewer: Viewer) -> dict:
    from eduboard.registry.selectors import residents_figures

    return residents_figures.uncached(as_of=AS_OF, visible_to=viewer)


def learners(viewer: User) -> int:
    return int(registry_figures(as_of=AS_OF, visible_to=fresh(viewer))["learners_total"])


def test_the_tables_whose_rows_belong_to_one_institution() -> None:
    placed = institution_tables()
    assert {"registry_enrolment", "registry_group", "people_employment", "quality_examresult"} <= placed
    # A learner is national; an institution may move to another board; a queue entry names several institutions;
    # a material's files follow the material's own rule (every user reads it): none is placed.
    assert (
        not {"registry_learner", "registry_institution", "registry_queueentry", "innovation_materialversion"} & placed
    )
    assert "finance_allocation" not in placed  # a board's money: no institution path at all


def test_a_heads_write_renews_their_institution_and_board_only(boards: Boards) -> None:
    b = boards
    warm(b)
    before = tokens()
    left = Enrolment.objects.filter(group=b.world.other_class).first()
    assert left is not None
    with writing_as(fresh(b.head_b)):
        Enrolment.objects.filter(pk=left.pk).update(left_on=date(2024, 9, 20))  # committed at once
    second, other = b.second.pk, b.world.other_school.pk
    assert renewed(before) == {
        "registry@any",
        f"registry@b{second}",
        f"registry@i{other}",
    }
    # The first board's own figures come from the cache: no enrolment is read (only the users, their scope and
    # tokens). Its residents learning elsewhere are read again: they rest on every board's writes.
    first_analyst, head_a = fresh(b.first_analyst), fresh(b.head_a)
    with CaptureQueriesContext(connection) as read:
        for viewer in (first_analyst, head_a):
            assert registry_figures(as_of=AS_OF, visible_to=viewer, groups=None)["learners_total"] == 3
    assert read.captured_queries
    assert not [query["sql"] for query in read.captured_queries if "registry_enrolment" in query["sql"]]
    assert learners(b.second_analyst) == 2 and learners(b.head_b) == 2
    assert_plain(b)


def test_a_boards_write_renews_its_board_and_every_institution_of_it(boards: Boards) -> None:
    b = boards
    warm(b)
    before = tokens()
    with writing_as(fresh(b.first_analyst)):
        Enrolment.objects.filter(group=b.world.class_1a).update(left_on=date(2024, 9, 2))
    first, school, preschool = b.first.pk, b.world.school.pk, b.world.preschool.pk
    gone = renewed(before)
    assert {"registry@any", f"registry@b{first}", f"registry@i{school}"} <= gone
    assert not {name for name in gone if f"@b{b.second.pk}" in name or name == "registry"}
    assert f"registry@i{b.world.other_school.pk}" not in gone
    assert learners(b.head_a) == 0 and learners(b.first_analyst) == 0 and learners(b.head_b) == 3
    assert f"registry@i{preschool}" not in before or f"registry@i{preschool}" in gone
    assert_plain(b)


def test_a_write_nobody_can_place_renews_the_whole_area(boards: Boards) -> None:
    b = boards
    warm(b)
    before = tokens()
    # A learner is national (not placed), whoever changes them; a write outside any request has no writer.
    with writing_as(fresh(b.head_b)):
        Learner.objects.filter(last_name="Centrs0").update(first_name="Ivan")
    assert "registry" in renewed(before)
    before = tokens()
    Enrolment.objects.filter(group=b.world.class_1a).update(left_on=date(2024, 9, 2))
    assert "registry" in renewed(before)
    assert learners(b.head_a) == 0
    assert_plain(b)


def test_a_resident_learning_in_another_board_is_counted_again_after_that_boards_write(boards: Boards) -> None:
    """The residents learning elsewhere read other boards' enrolments: a write of the second board renews them
    for the first board, whose own figures stay cached."""
    b = boards
    resident = learner("Pēteris", "Ceļotājs", date(2017, 1, 5), b.world.home)  # a resident of the first board
    crossing = Enrolment.objects.create(learner=resident, group=b.world.other_class, enrolled_on=date(2024, 9, 1))
    analyst = fresh(b.first_analyst)
    assert registry_stats(as_of=AS_OF, visible_to=analyst)["residents_learning_elsewhere_total"] == 1
    with writing_as(fresh(b.head_b)):
        Enrolment.objects.filter(pk=crossing.pk).update(left_on=date(2024, 9, 10))
    assert registry_stats(as_of=AS_OF, visible_to=fresh(b.first_analyst))["residents_learning_elsewhere_total"] == 0
    assert_plain(b)


def test_a_heads_leaving_through_the_page_renews_their_board_only(
    boards: Boards, signed_in: Callable[[User], Client]
) -> None:
    b = boards
    warm(b)
    before = tokens()
    enrolment = Enrolment.objects.filter(group=b.world.other_class).first()
    assert enrolment is not None
    response = signed_in(b.head_b).post(
        f"/registry/enrolments/{enrolment.pk}/leave/",
        {"left_on": "2024-09-20", "leaving_reason": "", "leaving_note": "", "version": enrolment.version},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    gone = renewed(before)
    assert f"registry@b{b.second.pk}" in gone
    assert not {name for name in gone if f"@b{b.first.pk}" in name or name == "registry"}, gone
    assert f"registry@i{b.world.school.pk}" not in gone
    assert learners(b.head_b) == 2 and learners(b.first_analyst) == 3
    assert_plain(b)


def test_an_import_renews_its_senders_board_only(
    boards: Boards, signed_in: Callable[[User], Client], tasks_run_at_once: None
) -> None:
    """The import runs as its sender (here at once; in the worker the same `writing_as(job.created_by)`)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from eduboard.core.models import ImportJob

    b = boards
    warm(b)
    before = tokens()
    pupil = Learner.objects.get(last_name="Centrs1")
    text = (
        "personal_code,first_name,last_name,birth_date,declared_municipality,institution,school_year,group,"
        "enrolled_on,left_on\n"
        f"{pupil.personal_code},{pupil.first_name},{pupil.last_name},{pupil.birth_date:%Y-%m-%d},"
        f"Augšdaugavas novads,{b.world.other_school.registration_number},2024/2025,1.b,2024-09-01,2024-09-25\n"
        # A new learner: the learner's row is added, not changed (placed at the sender's institution too).
        f"{CODES.for_birth_date(date(2017, 8, 8))},Jauns,Skolēns,2017-08-08,"
        f"Augšdaugavas novads,{b.world.other_school.registration_number},2024/2025,1.b,2024-09-01,\n"
    )
    response = signed_in(b.head_b).post(
        "/imports/registry/learners/", {"file": SimpleUploadedFile("learners.csv", text.encode(), "text/csv")}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.DONE, (job.status, job.errors)
    gone = renewed(before)
    assert f"registry@i{b.world.other_school.pk}" in gone
    assert not {name for name in gone if f"@b{b.first.pk}" in name or name == "registry"}, gone
    assert f"registry@i{b.world.school.pk}" not in gone
    assert learners(b.head_b) == 3  # one left, one new
    assert job.created == 1
    assert_plain(b)


# --- a figure that reads beyond its scope must say so


def open_enrolments() -> int:
    """Every board's open enrolments: a figure beyond any institution's scope."""
    return Enrolment.objects.filter(left_on__isnull=True).count()


@cached_figures("registry")
def _undeclared(*, as_of: date, visible_to: Viewer) -> int:
    reads_beyond_scope("registry")
    return open_enrolments()


@cached_figures("registry", beyond_scope=("registry",))
def _declared(*, as_of: date, visible_to: Viewer) -> int:
    reads_beyond_scope("registry")
    return open_enrolments()


@cached_figures("registry")
def _reads_declared_inside(*, as_of: date, visible_to: Viewer) -> int:
    return _declared(as_of=as_of, visible_to=visible_to) + 1


def test_a_figure_that_reads_beyond_its_scope_undeclared_fails_in_the_tests_and_is_never_kept(
    boards: Boards, settings: object
) -> None:
    head = fresh(boards.head_a)
    assert institution_scope(head)
    with pytest.raises(ImproperlyConfigured, match="_undeclared reads registry beyond"):
        _undeclared(as_of=AS_OF, visible_to=head)
    with pytest.raises(
        ImproperlyConfigured, match=r"_reads_declared_inside reads .*_declared, which rests on registry@any"
    ):
        _reads_declared_inside(as_of=AS_OF, visible_to=head)
    assert _declared(as_of=AS_OF, visible_to=head) == open_enrolments()

    settings.FIGURES_STRICT = False  # type: ignore[attr-defined]
    # Outside the tests: served, the error logged, and computed again each time (nothing kept that could go stale):
    # the second board's write leaves the first board's tokens as they were, yet the head reads the new count.
    first = _undeclared(as_of=AS_OF, visible_to=head)
    with writing_as(fresh(boards.head_b)):
        Enrolment.objects.filter(group=boards.world.other_class).update(left_on=date(2024, 9, 2))
    assert _undeclared(as_of=AS_OF, visible_to=head) == open_enrolments() != first


def test_the_whole_deployments_figures_need_no_declaration(boards: Boards) -> None:
    from eduboard.core.scope import WHOLE_CITY

    assert _undeclared(as_of=AS_OF, visible_to=WHOLE_CITY) == open_enrolments()
    assert figures_cache.scope_parts(WHOLE_CITY) == ["any"]


def test_a_leaving_inferred_in_another_board_renews_that_boards_figures(boards: Boards) -> None:
    """A transfer makes a leaving in another institution (here another board's) a transfer: the system writes that
    institution's row on the receiving head's behalf, so the write is not placed at the head's institution."""
    from eduboard.registry import services

    b = boards
    enrolment = Enrolment.objects.filter(group=b.world.class_1a).select_related("learner").first()
    assert enrolment is not None
    with writing_as(fresh(b.head_a)):
        services.enrolment_leave(enrolment=enrolment, left_on=date(2024, 10, 10), expected_version=enrolment.version)
    enrolment.refresh_from_db()
    assert enrolment.leaving_reason != "transferred"
    warm(b)
    before = tokens()
    with writing_as(fresh(b.head_b)):
        services.learner_transfer(
            personal_code=enrolment.learner.personal_code, group=b.world.other_class, on=date(2024, 10, 14),
            viewer=fresh(b.head_b),
        )  # fmt: skip
    enrolment.refresh_from_db()
    assert enrolment.leaving_reason == "transferred"  # the first board's row, written by the system
    gone = renewed(before)
    assert "registry" in gone or {f"registry@b{b.first.pk}", f"registry@i{b.world.school.pk}"} <= gone, gone
    assert_plain(b)


def test_an_api_write_with_a_token_is_placed_at_its_users_institution(boards: Boards) -> None:
    """The token is authenticated by the API's view, after the middleware that places writes: the user is read
    when the write commits."""
    from eduboard.accounts.services import api_token_create

    b = boards
    warm(b)
    before = tokens()
    enrolment = Enrolment.objects.filter(group=b.world.other_class).first()
    assert enrolment is not None
    api = Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=fresh(b.head_b), name='tests')[1]}")
    response = api.patch(
        f"/api/registry/enrolments/{enrolment.pk}/",
        {"left_on": "2024-09-20", "leaving_reason": "moved_abroad", "version": enrolment.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:500]
    gone = renewed(before)
    assert {f"registry@b{b.second.pk}", f"registry@i{b.world.other_school.pk}"} <= gone, gone
    assert not {name for name in gone if f"@b{b.first.pk}" in name or name == "registry"}, gone
    assert learners(b.head_b) == 2
    assert_plain(b)

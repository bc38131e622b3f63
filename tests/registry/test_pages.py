"""Registry pages: scope, masked codes, audited records, bounded queries, exports."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Learner
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world() -> World:
    return build_world()


def test_head_of_school_finds_only_own_learners(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))
    page = client.get("/registry/learners/").content.decode()
    assert "Zinātne0" in page
    assert "Centrs0" not in page
    other = Learner.objects.get(last_name="Centrs0")
    assert client.get(f"/registry/learners/{other.pk}/").status_code == 404
    assert client.get(f"/registry/groups/{world.other_class.pk}/").status_code == 404


def test_learner_list_shows_personal_codes_masked(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    pupil = Learner.objects.get(last_name="Zinātne0")
    page = signed_in(make_user(Role.BOARD_ANALYST)).get("/registry/learners/").content.decode()
    assert pupil.personal_code[:6] + "-*****" in page
    assert pupil.personal_code not in page


def test_opening_a_learners_record_is_written_to_the_audit_trail(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    analyst = make_user(Role.BOARD_ANALYST)
    pupil = Learner.objects.get(last_name="Zinātne0")
    page = signed_in(analyst).get(f"/registry/learners/{pupil.pk}/").content.decode()
    assert pupil.masked_code in page and pupil.personal_code not in page  # an analyst sees it masked
    entry = LogEntry.objects.get_for_object(pupil).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == analyst


def test_head_sees_the_full_code_of_own_learner(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    pupil = Learner.objects.get(last_name="Zinātne0")
    page = signed_in(make_user(Role.INSTITUTION_HEAD, [world.school])).get(f"/registry/learners/{pupil.pk}/")
    assert pupil.personal_code in page.content.decode()


def test_learner_search_finds_by_birth_date_part_of_the_code(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    pupil = Learner.objects.get(last_name="Zinātne1")
    page = signed_in(make_user(Role.BOARD_ANALYST)).get("/registry/learners/", {"q": pupil.personal_code[:6]})
    text = page.content.decode()
    assert "Zinātne1" in text
    assert "Zinātne0" not in text


def test_a_name_search_counts_up_to_its_cap_and_says_more_were_found(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search finding more than SEARCH_COUNT_CAP rows pages over the first ones and says so; below it, the count
    is exact; the export holds every row found."""
    from eduboard.core import views

    found = Learner.objects.filter(last_name__startswith="Zinātne").count()
    assert found >= 3
    client = signed_in(make_user(Role.BOARD_ANALYST))
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", found - 1)
    page = client.get("/registry/learners/", {"q": "zinatne"}).content.decode()
    assert f"More than {found - 1} rows" in page or f"Vairāk nekā {found - 1} rindu" in page
    assert len(set(re.findall(r'href="/registry/learners/(\d+)/"', page))) == found - 1
    export = client.get("/registry/learners/", {"q": "zinatne", "export": "csv"}).content.decode("utf-8-sig")
    assert export.count("Zinātne") == found
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", found)
    page = client.get("/registry/learners/", {"q": "zinatne"}).content.decode()
    assert "More than" not in page and "Vairāk nekā" not in page


@pytest.mark.parametrize("sort", ["name", "-name", "birth_date"])
def test_a_capped_search_shows_the_same_rows_in_the_same_order_as_one_below_the_cap(
    world: World,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
    sort: str,
) -> None:
    """On PostgreSQL the first pages of a search past the cap are read along the sort index, deeper ones and those
    below the cap by sorting the rows found: the rows of each page are the same either way."""
    from eduboard.core import views

    client = signed_in(make_user(Role.BOARD_ANALYST))
    monkeypatch.setattr(views.FilteredListView, "paginate_by", 1)

    def pages(cap: int) -> list[list[str]]:
        monkeypatch.setattr(views, "SEARCH_COUNT_CAP", cap)
        found = []
        for number in (1, 2):
            page = client.get("/registry/learners/", {"q": "zinatne", "sort": sort, "page": number}).content.decode()
            found.append(re.findall(r'href="/registry/learners/(\d+)/"', page))
        return found

    walked = pages(2)  # 3 found, 2 counted: capped, both pages read along the index on PostgreSQL
    assert walked == pages(1000) and all(len(rows) == 1 for rows in walked) and walked[0] != walked[1]


@pytest.mark.parametrize("path", ["/registry/learners/", "/registry/institutions/", "/registry/queue/"])
def test_list_pages_run_a_bounded_number_of_queries(
    path: str,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    build_world(pupils=40)
    client = signed_in(make_user(Role.BOARD_ANALYST))
    client.get(path)  # warm the session and permission caches
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get(path).status_code == 200


def test_institution_page_runs_a_bounded_number_of_queries(
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    world = build_world(pupils=40)
    client = signed_in(make_user(Role.BOARD_ANALYST))
    client.get(f"/registry/institutions/{world.school.pk}/?as_of=2024-10-01")
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        page = client.get(f"/registry/institutions/{world.school.pk}/?as_of=2024-10-01")
    assert "1.a" in page.content.decode()


def test_institution_list_filters_by_status_and_exports(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from datetime import date

    world.other_school.closed_on = date(2020, 8, 31)
    world.other_school.save()
    client = signed_in(make_user(Role.BOARD_ANALYST))
    table = lambda **query: client.get("/registry/institutions/", query, HTTP_HX_REQUEST="true").content.decode()  # noqa: E731
    assert "Centra vidusskola" in table(status="closed")
    assert "Zinātņu vidusskola" not in table(status="closed")
    assert "Centra vidusskola" not in table(status="active")
    csv_text = client.get("/registry/institutions/", {"export": "csv", "status": "active"}).content.decode("utf-8-sig")
    assert "Zinātņu vidusskola" in csv_text and "Centra vidusskola" not in csv_text


def test_state_founded_institutions_are_labelled_and_filtered_apart(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    world.other_school.founder = "state"
    world.other_school.save()
    client = signed_in(make_user(Role.BOARD_ANALYST))
    table = lambda **query: client.get("/registry/institutions/", query, HTTP_HX_REQUEST="true").content.decode()  # noqa: E731
    everyone = table()
    row = next(line for line in everyone.split("<tr>") if "Centra vidusskola" in line)
    assert "valsts dibināta" in row
    assert "valsts dibināta" not in next(line for line in everyone.split("<tr>") if "Zinātņu vidusskola" in line)
    state = table(founder="state")
    assert "Centra vidusskola" in state and "Zinātņu vidusskola" not in state
    own = table(founder="municipality")
    assert "Zinātņu vidusskola" in own and "Centra vidusskola" not in own


def test_statistics_page_shows_figures_with_charts_and_tables(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(make_user(Role.BOARD_ANALYST)).get("/registry/statistics/", {"as_of": "2024-10-01"})
    text = page.content.decode()
    assert 'data-chart="chart-learners"' in text
    assert 'id="fig-first-graders">6<' in text  # 3 + 3 pupils in grade 1

"""Issue 22: lists of names in the Latvian alphabet (č after c, ģ after g, ķ after k, ļ after l, ņ after n, š after s,
ž after z; ā, ē, ī, ū long vowels of a, e, i, u) with numbers by value ("4." before "13."), on SQLite and PostgreSQL.

The order is core.latvian's: `sort_key(name)` is stored in each model's `sort_name` column (indexed where a list is
long) and lists order by that column, so one plain `ORDER BY` gives the same order on both databases whatever their
collation. On PostgreSQL the key is checked against the server's own ICU collation for Latvian with numeric ordering.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.latvian import sort_key
from eduboard.registry.models import Enrolment, Group, Institution, Programme
from tests.registry.world import World, build_world, learner

pytestmark = pytest.mark.both_databases

# The Latvian order: the long vowels sort as their short ones (Ābele before Avots, as CLDR `lv` and PostgreSQL's
# `lv-x-icu` sort them), č, ģ, ķ, š, ž are letters after c, g, k, s, z; numbers by value.
EXPECTED = [
    "Ābele",
    "Avots",
    "Cēsis",
    "Čakste",
    "Daugavpils pilsētas 4.PII",
    "Daugavpils pilsētas 13.PII",
    "Daugavpils pilsētas 24.PII",
    "Gauja",
    "Ģertrūde",
    "Kalns",
    "Ķīmijas",
    "Saule",
    "Šmits",
    "Zaķis",
    "Žagars",
]


def shuffled(names: list[str], seed: int = 22) -> list[str]:
    mixed = list(names)
    random.Random(seed).shuffle(mixed)
    assert mixed != names
    return mixed


def test_sort_key_puts_names_in_latvian_order_with_numbers_by_value() -> None:
    for seed in range(5):
        assert sorted(shuffled(EXPECTED, seed), key=sort_key) == EXPECTED


def test_sort_key_ignores_case_first_and_keeps_equal_names_together() -> None:
    assert sorted(["ŠMITS", "saule", "Šmits", "SAULE"], key=sort_key) == ["saule", "SAULE", "Šmits", "ŠMITS"]
    assert sorted(["ķīmijas", "KALNS", "Kalns"], key=sort_key) == ["Kalns", "KALNS", "ķīmijas"]
    assert sort_key("Daugavpils pilsētas 4.PII") < sort_key("Daugavpils pilsētas 13.PII")
    assert sort_key("Daugavpils pilsētas 13.PII") < sort_key("daugavpils pilsetas 24.pii")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ICU collations")
def test_the_key_orders_as_postgresqls_icu_latvian_collation_with_numeric_ordering() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_collation WHERE collname = 'lv-x-icu'")
        if cursor.fetchone()[0] == 0:
            pytest.skip("this PostgreSQL is built without ICU")
        with transaction.atomic():  # the collation goes with the test's transaction
            cursor.execute(
                "CREATE COLLATION IF NOT EXISTS latvian_numeric_check (provider = icu, locale = 'lv-u-kn-true')"
            )
            cursor.execute(
                "SELECT name FROM unnest(%s::text[]) AS name ORDER BY name COLLATE latvian_numeric_check",
                [shuffled(EXPECTED)],
            )
            by_icu = [name for (name,) in cursor.fetchall()]
            transaction.set_rollback(True)
    assert by_icu == EXPECTED == sorted(EXPECTED, key=sort_key)


@pytest.fixture
def world(db: None) -> World:
    return build_world(pupils=1)


@pytest.fixture
def board(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(role=Role.BOARD_ADMIN))


def make_institutions(names: list[str], first: int = 0) -> None:
    for number, name in enumerate(names, start=first):
        Institution.objects.create(name=name, type="preschool", registration_number=f"90000002{number:02d}")


def page_names(client: Client, url: str, **query: Any) -> list[str]:
    response = client.get(url, query)
    assert response.status_code == 200
    return [row.name for row in response.context["page_obj"].object_list]


def only(names: list[str], wanted: list[str]) -> list[str]:
    return [name for name in names if name in wanted]


def test_institutions_page_and_api_list_in_latvian_order(world: World, board: Client) -> None:
    make_institutions(shuffled(EXPECTED))
    url = reverse("registry:institution_list")
    assert only(page_names(board, url), EXPECTED) == EXPECTED
    assert only(page_names(board, url, sort="-name"), EXPECTED) == EXPECTED[::-1]
    # A filter and a name search keep the order.
    assert page_names(board, url, type="preschool", q="daugavpils") == EXPECTED[4:7]
    api = board.get("/api/registry/institutions/", {}).json()
    assert only([row["name"] for row in api["results"]], EXPECTED) == EXPECTED
    api = board.get("/api/registry/institutions/", {"ordering": "-name"}).json()
    assert only([row["name"] for row in api["results"]], EXPECTED) == EXPECTED[::-1]


def test_numbered_institutions_stay_in_order_across_pages(world: World, board: Client) -> None:
    numbered = [f"Daugavpils pilsētas {n}.PII" for n in range(1, 61)]
    make_institutions(shuffled(numbered))
    url = reverse("registry:institution_list")
    pages = [page_names(board, url, page=page) for page in (1, 2, 3)]  # 25 a page
    assert [len(names) for names in pages] == [25, 25, 13]
    assert only(pages[0] + pages[1] + pages[2], numbered) == numbered
    api = [  # 50 a page
        row["name"]
        for page in (1, 2)
        for row in board.get("/api/registry/institutions/", {"page": page}).json()["results"]
    ]
    assert only(api, numbered) == numbered


def test_the_institutions_page_costs_the_same_queries_however_many_rows(world: World, board: Client) -> None:
    url = reverse("registry:institution_list")
    make_institutions(EXPECTED[:3])
    board.get(url)  # the session and caches warm
    with CaptureQueriesContext(connection) as few:
        board.get(url)
    make_institutions([f"Daugavpils pilsētas {n}.PII" for n in range(40, 60)], first=3)
    with CaptureQueriesContext(connection) as many:
        board.get(url)
    assert len(many) == len(few)


def test_programmes_api_sorts_names_in_latvian_order(world: World, board: Client) -> None:
    names = ["Šūšanas programma", "Zīmēšanas programma", "Čellistu programma", "Ceļu programma", "Ābeļu programma"]
    for number, name in enumerate(shuffled(names)):
        Programme.objects.create(code=f"3101111{number}", name=name, level="basic")
    expected = sorted(names, key=sort_key)
    assert expected == [
        "Ābeļu programma",
        "Ceļu programma",
        "Čellistu programma",
        "Šūšanas programma",
        "Zīmēšanas programma",
    ]
    rows = board.get("/api/registry/programmes/", {"ordering": "name"}).json()["results"]
    assert only([row["name"] for row in rows], names) == expected
    rows = board.get("/api/registry/programmes/", {"ordering": "-name"}).json()["results"]
    assert only([row["name"] for row in rows], names) == expected[::-1]
    renamed = Programme.objects.get(name="Ābeļu programma")
    renamed.name = "Žagaru programma"
    renamed.save(update_fields=["name"])  # the key follows a save of some fields
    rows = board.get("/api/registry/programmes/", {"ordering": "name"}).json()["results"]
    assert only([row["name"] for row in rows], [*names, "Žagaru programma"])[-1] == "Žagaru programma"


def test_a_groups_learners_and_the_groups_in_latvian_order(world: World, board: Client) -> None:
    surnames = ["Žagars", "Zaķis", "Šmits", "Saule", "Čakste", "Cēsis", "Ābele", "Avots"]
    for index, surname in enumerate(shuffled(surnames)):
        pupil = learner("Anna", surname, date(2017, 1, 1 + index))
        Enrolment.objects.create(learner=pupil, group=world.class_1a, enrolled_on=date(2024, 9, 1))
    response = board.get(reverse("registry:group_detail", args=[world.class_1a.pk]))
    assert response.status_code == 200
    listed = [enrolment.learner.last_name for enrolment in response.context["enrolments"]]
    assert only(listed, surnames) == sorted(surnames, key=sort_key)
    assert only(listed, surnames)[:3] == ["Ābele", "Avots", "Cēsis"]
    programme = world.class_1a.programme
    for name in ["10.a", "4.a", "12.a"]:
        Group.objects.create(
            institution=world.school,
            school_year=world.class_1a.school_year,
            programme=programme,
            name=name,
            grade=int(name.split(".")[0]),
        )
    rows = board.get("/api/registry/groups/", {"institution": world.school.pk, "ordering": "name"})
    assert [row["name"] for row in rows.json()["results"]] == ["1.a", "4.a", "10.a", "12.a"]

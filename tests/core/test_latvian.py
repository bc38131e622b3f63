"""Search that finds Latvian names whatever the case and diacritics, and lists in the Latvian alphabetical order
with numbers by value, on SQLite and PostgreSQL alike, however the rows were written (a form, the API, an
import's bulk insert)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.imports import insert_rows
from eduboard.core.latvian import ensure_search_indexes, fold, sort_key
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.people.models import StaffMember
from eduboard.quality.models import Subject
from eduboard.registry.models import Enrolment, Group, Institution, Learner, Programme
from tests.registry.world import CODES, World, build_world, learner

pytestmark = pytest.mark.both_databases

# PostgreSQL's ICU collation for Latvian (`ORDER BY … COLLATE "lv-x-icu"`) sorts these words so; numbers by value
# are this system's own rule on top ("4. PII" before "13. PII").
LATVIAN_ORDER = [
    "4. PII",
    "13. PII",
    "a",
    "A",
    "a b",
    "a-c",
    "ab",
    "āb",
    "ac",
    "Berzina",
    "Bērziņa Anna",
    "Bērziņa-Ozola Zane",
    "Bērziņš Juris",
    "Cīrulis",
    "Čakste",
    "Daugavpils pilsētas PII",
    "Iļja",
    "Yvonne",
    "Jānis",
    "Kalniņa",
    "Ķīmijas",
    "Liepa",
    "Ļaudona",
    "Ozola",
    "Ōzola",
    "Ozols",
    "Sergejs",
    "Šarlote",
    "Zane",
    "Zinātņu",
    "Žanis",
    "Иванов",
]


def test_sort_key_orders_as_latvian_with_numbers_by_value() -> None:
    shuffled = sorted(LATVIAN_ORDER, key=lambda text: text[::-1])
    assert sorted(shuffled, key=sort_key) == LATVIAN_ORDER
    groups = ["10.a", "2.b", "1.a", "11", "2.a", "1.b", "10", "2"]
    assert sorted(groups, key=sort_key) == ["1.a", "1.b", "2", "2.a", "2.b", "10", "10.a", "11"]


def test_sort_keys_hold_only_characters_every_collation_orders_alike() -> None:
    for text in [*LATVIAN_ORDER, "İstanbul", "x² 007", "Ёлка"]:
        assert set(sort_key(text)) <= set("0123456789abcdefghijklmnopqrstuvwxyz"), text


def test_fold_drops_case_and_diacritics_and_splits_words() -> None:
    assert fold("BĒRZIŅA") == fold("Berzina") == fold("bērziņa") == "berzina"
    assert fold("Ķīmijas") == fold("KIMIJAS") == "kimijas"
    assert fold("Bērziņa-Ozola  Zane") == "berzina ozola zane"


@pytest.fixture
def world(db: None) -> World:
    return build_world(pupils=1)


@pytest.fixture
def board(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(role=Role.BOARD_ADMIN))


def names_on_page(client: Client, url: str, **query: Any) -> list[str]:
    response = client.get(url, query)
    assert response.status_code == 200
    rows = response.context["page_obj"].object_list
    return [str(getattr(row, "last_name", None) or row.name) for row in rows]


def test_learners_are_found_whatever_the_case_and_diacritics(world: World, board: Client) -> None:
    for first, last in [("Anna", "Bērziņa"), ("Juris", "Bērziņš"), ("Zane", "Bērziņa-Ozola"), ("Ilze", "Ozola")]:
        pupil = learner(first, last, date(2017, 4, 2))
        Enrolment.objects.create(learner=pupil, group=world.class_1a, enrolled_on=date(2024, 9, 1))
    url = reverse("registry:learner_list")
    for typed in ["BĒRZIŅA", "Berzina", "bērziņa"]:
        assert names_on_page(board, url, q=typed) == ["Bērziņa", "Bērziņa-Ozola"], typed
    assert names_on_page(board, url, q="berz") == ["Bērziņa", "Bērziņa-Ozola", "Bērziņš"]
    assert names_on_page(board, url, q="ozola") == ["Bērziņa-Ozola", "Ozola"]  # any word of the name
    assert names_on_page(board, url, q="anna berz") == ["Bērziņa"]  # every word must match
    assert names_on_page(board, url, q="rzi") == []  # a word's start, not its middle


def test_institutions_and_staff_are_found_whatever_the_case_and_diacritics(world: World, board: Client) -> None:
    Institution.objects.create(name="Ķīmijas un bioloģijas centrs", type="interest", registration_number="9000000027")
    StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1980, 1, 2)), first_name="Ļena", last_name="Šņore"
    )
    assert names_on_page(board, reverse("registry:institution_list"), q="KIMIJAS") == ["Ķīmijas un bioloģijas centrs"]
    assert names_on_page(board, reverse("registry:institution_list"), q="biologijas") == [
        "Ķīmijas un bioloģijas centrs"
    ]
    assert names_on_page(board, reverse("people:staff_list"), q="snore lena") == ["Šņore"]


def test_the_key_follows_every_way_a_name_is_written(world: World, board: Client) -> None:
    """A form or the API (save), a bulk_create and an import's insert_rows all write the keys; an edit rewrites them."""
    birth = date(2016, 6, 6)
    insert_rows(
        Learner,
        ["personal_code", "first_name", "last_name", "birth_date"],
        [(CODES.for_birth_date(birth), "Ēriks", "Ķēniņš", birth)],
    )
    Learner.objects.bulk_create(
        [Learner(personal_code=CODES.for_birth_date(birth), first_name="Žanna", last_name="Ūdre", birth_date=birth)]
    )
    assert names_on_page(board, reverse("registry:learner_list"), q="kenins eriks") == ["Ķēniņš"]  # bulk: indexed
    found = Learner.objects.get(last_name="Ķēniņš")
    assert found.search_name == " eriks kenins" and found.sort_name == sort_key("Ķēniņš Ēriks")
    assert Learner.objects.get(last_name="Ūdre").search_name == " zanna udre"
    response = board.patch(
        f"/api/registry/learners/{found.pk}/",
        {"last_name": "Ābele", "version": found.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    found.refresh_from_db()
    assert (found.search_name, found.sort_name) == (" eriks abele", sort_key("Ābele Ēriks"))
    url = reverse("registry:learner_list")
    assert names_on_page(board, url, q="ābele ēriks") == ["Ābele"]  # the search index follows the edit
    assert names_on_page(board, url, q="kenins") == []
    assert names_on_page(board, url, q="UDRE") == ["Ūdre"]
    Learner.objects.filter(last_name="Ūdre").delete()
    assert names_on_page(board, url, q="udre") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index and its triggers")
def test_the_sqlite_search_index_comes_back_after_a_migration_rebuilt_the_table(world: World, board: Client) -> None:
    """SQLite alters a table by building it again, which drops its triggers; every migrate puts them back."""
    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER registry_learner_fts_{suffix}")
    learner("Ēvalds", "Ķirsis", date(2015, 5, 5))  # written while the triggers are gone
    ensure_search_indexes()
    learner("Ērika", "Ķirse", date(2015, 5, 6))
    assert names_on_page(board, reverse("registry:learner_list"), q="kirs") == ["Ķirse", "Ķirsis"]


def test_lists_come_in_latvian_order_with_numbers_by_value(world: World, board: Client) -> None:
    year = school_year_get_or_create(code="2024/2025")
    programme = Programme.objects.get(code="21011111")
    for number, name in enumerate(["13. PII", "Ķīmijas centrs", "4. PII", "Daugavpils pilsētas PII", "Ābeļu PII"]):
        Institution.objects.create(name=name, type="preschool", registration_number=f"90000001{number:02d}")
    for name in ["10.a", "2.a", "11.a", "1.b"]:
        Group.objects.create(
            institution=world.school, school_year=year, programme=programme, name=name, grade=int(name.split(".")[0])
        )
    for last in ["Žīgure", "Zariņa", "Čakste", "Cīrule", "Ābele"]:
        learner("Anna", last, date(2017, 1, 1))

    institutions = names_on_page(board, reverse("registry:institution_list"))
    assert institutions == sorted(institutions, key=sort_key)
    assert institutions.index("4. PII") < institutions.index("13. PII") < institutions.index("Ābeļu PII")
    assert institutions.index("Daugavpils pilsētas PII") < institutions.index("Ķīmijas centrs")
    assert institutions.index("Ķīmijas centrs") < institutions.index("Zinātņu vidusskola")
    learners = names_on_page(board, reverse("registry:learner_list"))
    assert [name for name in learners if name in {"Žīgure", "Zariņa", "Čakste", "Cīrule", "Ābele"}] == [
        "Ābele",
        "Cīrule",
        "Čakste",
        "Zariņa",
        "Žīgure",
    ]
    groups = list(Group.objects.filter(institution=world.school).values_list("name", flat=True))
    assert groups == ["1.a", "1.b", "2.a", "10.a", "11.a"]
    for subject in ["Ķīmija", "Vēsture", "Angļu valoda", "Ģeogrāfija", "Zīmēšana", "Bioloģija"]:
        Subject.objects.create(name=subject)
    assert list(Subject.objects.values_list("name", flat=True)) == [
        "Angļu valoda",
        "Bioloģija",
        "Ģeogrāfija",
        "Ķīmija",
        "Vēsture",
        "Zīmēšana",
    ]
    api = board.get("/api/registry/institutions/", {"page_size": 100}).json()
    names = [row["name"] for row in api["results"]]
    assert names == sorted(names, key=sort_key)


def test_learners_filter_by_grade_group_and_school_year_in_one_enrolment(world: World, board: Client) -> None:
    year = school_year_get_or_create(code="2025/2026")
    programme = Programme.objects.get(code="21011111")
    class_2a = Group.objects.create(
        institution=world.school, school_year=year, programme=programme, name="2.a", grade=2
    )
    moved_up = learner("Anna", "Augša", date(2017, 2, 2))
    Enrolment.objects.create(learner=moved_up, group=world.class_1a, enrolled_on=date(2024, 9, 1))
    Enrolment.objects.create(learner=moved_up, group=class_2a, enrolled_on=date(2025, 9, 1))
    url = reverse("registry:learner_list")
    assert names_on_page(board, url, grade=2) == ["Augša"]
    assert names_on_page(board, url, group=class_2a.pk) == ["Augša"]
    assert names_on_page(board, url, school_year=year.pk) == ["Augša"]
    # Grade 2 in 2024/2025 matches no single enrolment, although each condition alone is met by one.
    first_year = world.class_1a.school_year
    assert names_on_page(board, url, grade=2, school_year=first_year.pk) == []
    assert "Augša" in names_on_page(board, url, grade=1, school_year=first_year.pk)
    assert names_on_page(board, url, grade=1, institution=world.other_school.pk) == ["Centrs0"]

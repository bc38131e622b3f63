"""People pages and API: scope, masked codes, audited person pages, vacancy steps, the public page and feeds."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.accounts.services import api_token_create
from eduboard.people.models import (
    Employment,
    PositionKind,
    StaffMember,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()
ATOM = "{http://www.w3.org/2005/Atom}"
STATS_KEYS = {
    "as_of",
    "pedagogues_total",
    "pedagogues_in_several_institutions",
    "pedagogues_by_institution_type",
    "pedagogues_by_institution",
    "preschool_programme_pedagogues",
    "general_school_pedagogues",
    "vacancies",
    "vacancies_count",
    "vacancies_fte_total",
    "training_gaps",
    "training_gaps_by_status",
}


@dataclass
class World:
    school: Institution
    other_school: Institution
    positions: dict[str, PositionKind]
    mine: StaffMember
    former: StaffMember
    theirs: StaffMember
    my_vacancy: Vacancy
    their_vacancy: Vacancy


def person(first: str, last: str, birth: date) -> StaffMember:
    return StaffMember.objects.create(personal_code=CODES.for_birth_date(birth), first_name=first, last_name=last)


def rate(who: StaffMember, where: Institution, position: PositionKind, **fields: Any) -> Employment:
    fields.setdefault("start_date", date(2020, 9, 1))
    fields.setdefault("fte", Decimal("1"))
    return Employment.objects.create(staff_member=who, institution=where, position=position, **fields)


@pytest.fixture
def world(school_a: Institution, school_b: Institution) -> World:
    ensure_standard_positions()
    positions = {p.code: p for p in PositionKind.objects.all()}
    teacher = positions["subject_teacher"]
    mine = person("Marta", "Manējā", date(1980, 3, 15))
    former = person("Fricis", "Bijušais", date(1970, 6, 1))
    theirs = person("Sofija", "Svešā", date(1985, 7, 20))
    rate(mine, school_a, teacher, subject="matemātika")
    rate(former, school_a, teacher, end_date=date(2022, 6, 30))
    rate(theirs, school_b, teacher, subject="fizika")
    my_vacancy = Vacancy.objects.create(
        institution=school_a, position=teacher, subject="ķīmija", fte=Decimal("1"), declared_on=date(2024, 8, 1)
    )
    their_vacancy = Vacancy.objects.create(
        institution=school_b, position=teacher, subject="vēsture", fte=Decimal("0.5"), declared_on=date(2024, 8, 1)
    )
    return World(school_a, school_b, positions, mine, former, theirs, my_vacancy, their_vacancy)


@pytest.fixture
def head(world: World, make_user: Callable[..., User]) -> User:
    return make_user(Role.INSTITUTION_HEAD, [world.school])


def api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token_create(account=user, name='tests')[1]}")


# --- staff pages


def test_head_sees_only_own_institutions_staff(world: World, head: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(head)
    page = client.get("/people/staff/").content.decode()
    assert "Manējā" in page and "Bijušais" in page  # present and past staff of the school
    assert "Svešā" not in page
    assert client.get(f"/people/staff/{world.mine.pk}/").status_code == 200
    assert client.get(f"/people/staff/{world.theirs.pk}/").status_code == 404


def test_staff_list_shows_personal_codes_masked_even_to_a_head(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(head).get("/people/staff/").content.decode()
    assert world.mine.masked_code in page
    assert world.mine.personal_code not in page


def test_staff_list_export_is_scoped_and_masked(world: World, head: User, signed_in: Callable[[User], Client]) -> None:
    text = signed_in(head).get("/people/staff/", {"export": "csv"}).content.decode("utf-8-sig")
    assert "Manējā" in text and "Svešā" not in text
    assert world.mine.masked_code in text and world.mine.personal_code not in text


@pytest.mark.parametrize("role", [Role.INSTITUTION_STAFF, Role.BOARD_ANALYST, Role.OBSERVER])
def test_person_page_masks_the_code_for_roles_that_may_not_reveal_it_and_is_audited(
    world: World, role: str, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    reader = make_user(role, [world.school])
    assert not reader.has_perm("people.reveal_personal_code")
    response = signed_in(reader).get(f"/people/staff/{world.mine.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert world.mine.masked_code in page
    assert world.mine.personal_code not in page
    entry = LogEntry.objects.get_for_object(world.mine).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == reader


def test_person_page_shows_the_full_code_to_a_head_and_is_audited(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    assert head.has_perm("people.reveal_personal_code")
    page = signed_in(head).get(f"/people/staff/{world.mine.pk}/").content.decode()
    assert world.mine.personal_code in page
    assert LogEntry.objects.get_for_object(world.mine).filter(action=LogEntry.Action.ACCESS, actor=head).count() == 1


def test_a_refused_person_page_is_not_audited(world: World, head: User, signed_in: Callable[[User], Client]) -> None:
    assert signed_in(head).get(f"/people/staff/{world.theirs.pk}/").status_code == 404
    assert not LogEntry.objects.get_for_object(world.theirs).filter(action=LogEntry.Action.ACCESS).exists()


def test_staff_pages_need_sign_in(world: World) -> None:
    for path in ("/people/staff/", f"/people/staff/{world.mine.pk}/", "/people/vacancies/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def make_staff(school: Institution, count: int, positions: dict[str, PositionKind], first_birth: date) -> None:
    for index in range(count):
        who = person("Anna", f"Liepa{index:03d}", first_birth + timedelta(days=index))
        rate(who, school, positions["subject_teacher"], subject="matemātika")
        rate(who, school, positions["deputy_head"], fte=Decimal("0.25"))


def test_staff_list_runs_the_same_number_of_queries_for_5_and_25_people(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    Employment.objects.all().delete()
    StaffMember.objects.all().delete()
    client = signed_in(head)
    make_staff(world.school, 5, world.positions, date(1970, 1, 1))
    client.get("/people/staff/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        small = client.get("/people/staff/").content.decode()
    make_staff(world.school, 20, world.positions, date(1990, 1, 1))
    with CaptureQueriesContext(connection) as many:
        large = client.get("/people/staff/").content.decode()
    assert (small.count("Liepa0"), large.count("Liepa0")) == (5, 25)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- vacancy pages


def test_vacancy_list_shows_own_institutions_vacancies(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(head).get("/people/vacancies/").content.decode()
    assert "ķīmija" in page
    assert "vēsture" not in page
    assert f"/people/vacancies/{world.my_vacancy.pk}/publish/" in page


def test_publish_step_publishes_a_vacancy_and_a_stale_step_changes_nothing(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    url = f"/people/vacancies/{world.my_vacancy.pk}/"
    response = client.post(url + "publish/", {"version": "1"})
    assert response.status_code == 302 and response["Location"] == "/people/vacancies/"
    published = Vacancy.objects.get(pk=world.my_vacancy.pk)
    assert published.published_on is not None
    assert (published.status, published.version) == ("published", 2)
    # a second tab still holds version 1: its "mark filled" is refused
    client.post(url + "fill/", {"version": "1"})
    assert Vacancy.objects.get(pk=world.my_vacancy.pk).filled_on is None
    client.post(url + "fill/", {"version": "2"})
    filled = Vacancy.objects.get(pk=world.my_vacancy.pk)
    assert (filled.status, filled.version) == ("filled", 3)
    assert filled.filled_on is not None and filled.filled_on >= published.published_on


def test_vacancy_steps_are_refused_outside_the_scope_and_to_readers(
    world: World, head: User, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    theirs = signed_in(head).post(f"/people/vacancies/{world.their_vacancy.pk}/publish/", {"version": "1"})
    assert theirs.status_code == 404
    reader = signed_in(make_user(Role.INSTITUTION_STAFF, [world.school]))
    assert reader.post(f"/people/vacancies/{world.my_vacancy.pk}/publish/", {"version": "1"}).status_code == 403
    assert Vacancy.objects.filter(published_on__isnull=False).count() == 0


def test_a_rate_added_on_the_person_page_is_saved_with_the_total_fte_warning(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    page = signed_in(head).post(
        f"/people/staff/{world.mine.pk}/rates/",
        {
            "institution": world.school.pk,
            "position": world.positions["deputy_head"].pk,
            "subject": "",
            "fte": "0.75",
            "start_date": "2024-09-01",
            "end_date": "",
        },
        follow=True,
    )
    assert page.redirect_chain[0][0] == f"/people/staff/{world.mine.pk}/"
    assert Employment.objects.filter(staff_member=world.mine).count() == 2
    assert "1.75" in page.content.decode() and "1.5" in page.content.decode()


def test_a_training_recorded_on_the_person_page_is_saved_and_its_form_ids_differ_from_the_rate_forms(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    requirement = TrainingRequirement.objects.create(name="Bērnu tiesību aizsardzība", hours=8)
    client = signed_in(head)
    page = client.get(f"/people/staff/{world.mine.pk}/").content.decode()
    assert page.count('id="id_version"') <= 1  # the two forms on the page do not share field ids
    answer = client.post(
        f"/people/staff/{world.mine.pk}/training/",
        {"training-requirement": requirement.pk, "training-completed_on": "2024-05-10", "training-hours": "8"},
        follow=True,
    )
    assert answer.redirect_chain[0][0] == f"/people/staff/{world.mine.pk}/"
    record = TrainingRecord.objects.get(staff_member=world.mine)
    assert (record.requirement, record.completed_on, record.hours) == (requirement, date(2024, 5, 10), 8)


def test_an_edit_of_a_stale_vacancy_on_its_page_is_refused(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    form = {
        "institution": world.school.pk,
        "position": world.positions["subject_teacher"].pk,
        "subject": "ķīmija",
        "fte": "0.5",
        "description": "",
        "declared_on": "2024-08-01",
        "published_on": "",
        "filled_on": "",
        "withdrawn_on": "",
        "version": "1",
    }
    url = f"/people/vacancies/{world.my_vacancy.pk}/"
    assert client.post(url, form).status_code == 302
    assert Vacancy.objects.get(pk=world.my_vacancy.pk).version == 2
    refused = client.post(url, {**form, "fte": "3.221"})  # made on the page as it was before the first save
    assert refused.status_code == 200
    stored = Vacancy.objects.get(pk=world.my_vacancy.pk)
    assert (stored.fte, stored.version) == (Decimal("0.5"), 2)


def test_a_vacancy_step_with_a_version_that_is_no_number_is_refused_not_a_server_error(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    client.raise_request_exception = False
    response = client.post(f"/people/vacancies/{world.my_vacancy.pk}/publish/", {"version": "x"})
    assert response.status_code in (302, 400)
    assert Vacancy.objects.get(pk=world.my_vacancy.pk).published_on is None


# --- the public page and feeds


@pytest.fixture
def public(world: World) -> None:
    teacher = world.positions["subject_teacher"]
    Vacancy.objects.create(
        institution=world.school,
        position=teacher,
        subject="bioloģija",
        fte=Decimal("1"),
        declared_on=date(2024, 8, 1),
        published_on=date(2024, 8, 1),
        description="Darbs ar 7.–9. klasi.",
    )
    Vacancy.objects.create(
        institution=world.other_school,
        position=world.positions["speech_therapist"],
        fte=Decimal("3.221"),
        declared_on=date(2024, 8, 1),
        published_on=date(2024, 8, 5),
    )
    Vacancy.objects.create(  # filled
        institution=world.school,
        position=teacher,
        subject="mūzika",
        fte=Decimal("1"),
        declared_on=date(2024, 8, 1),
        published_on=date(2024, 8, 1),
        filled_on=date(2024, 9, 1),
    )
    Vacancy.objects.create(  # withdrawn
        institution=world.school,
        position=teacher,
        subject="teātris",
        fte=Decimal("1"),
        declared_on=date(2024, 8, 1),
        published_on=date(2024, 8, 1),
        withdrawn_on=date(2024, 8, 20),
    )
    # world's ķīmija and vēsture vacancies are declared only


def test_public_page_lists_published_open_vacancies_without_sign_in(world: World, public: None) -> None:
    response = Client().get("/vacancies/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "bioloģija" in page and "Darbs ar 7.–9. klasi." in page
    assert '<td class="num">3,221</td>' in page  # a decimal comma in Latvian
    for hidden in ("ķīmija", "vēsture", "mūzika", "teātris"):  # declared only, filled, withdrawn
        assert hidden not in page


def test_public_page_is_in_latvian_by_default_and_in_english_when_chosen(world: World, public: None) -> None:
    client = Client()
    latvian = client.get("/vacancies/")
    assert latvian["Content-Language"] == "lv"
    assert "<h1>Vakances pilsētas izglītības iestādēs</h1>" in latvian.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/vacancies/")
    assert english["Content-Language"] == "en"
    text = english.content.decode()
    assert "<h1>Vacancies in the city's education institutions</h1>" in text
    assert "Vakances pilsētas" not in text
    assert '<td class="num">3.221</td>' in text  # a decimal point in English


def test_public_page_says_when_there_are_no_vacancies(world: World) -> None:
    assert "Pašlaik nav atvērtu vakanču." in Client().get("/vacancies/").content.decode()


def test_atom_feed_is_valid_xml_with_one_entry_per_public_vacancy(world: World, public: None) -> None:
    response = Client().get("/vacancies/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    titles = sorted(entry.findtext(f"{ATOM}title") or "" for entry in entries)
    assert any("bioloģija" in title and "Daugavpils Zinātņu vidusskola" in title for title in titles)
    assert any("3.221" in title and "Daugavpils Centra vidusskola" in title for title in titles)
    assert all(entry.findtext(f"{ATOM}id") for entry in entries)
    # RFC 4287 MUSTs: the feed's id, updated and author; each entry's id and updated
    assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert all(entry.findtext(f"{ATOM}updated") for entry in entries)


def test_json_feed_is_version_1_1_with_one_item_per_public_vacancy(world: World, public: None) -> None:
    from datetime import datetime

    response = Client().get("/vacancies/feed.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"].endswith("/vacancies/")
    items = feed["items"]
    assert len(items) == 2
    assert {item["_vacancy"]["subject"] for item in items} == {"bioloģija", ""}
    assert {item["_vacancy"]["fte"] for item in items} == {"1.000", "3.221"}
    assert all(item["id"] and item["url"] and item["date_published"] for item in items)
    for item in items:  # RFC 3339 date-times with their offset, as JSON Feed 1.1 asks
        for key in ("date_published", "date_modified"):
            moment = datetime.fromisoformat(item[key])
            assert "T" in item[key] and moment.utcoffset() is not None


# --- API


def test_public_vacancies_api_is_readable_without_a_token(world: World, public: None) -> None:
    response = Client().get("/api/public/vacancies/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert sorted(row["subject"] for row in rows) == ["", "bioloģija"]
    assert {row["institution_registration_number"] for row in rows} == {"9000000011", "9000000015"}


def test_public_vacancies_api_does_not_give_an_unpublished_vacancy(world: World, public: None) -> None:
    assert Client().get(f"/api/public/vacancies/{world.my_vacancy.pk}/").status_code == 404
    published = Vacancy.objects.get(subject="bioloģija")
    assert Client().get(f"/api/public/vacancies/{published.pk}/").json()["fte"] == "1.000"


def test_staff_api_needs_authentication(world: World) -> None:
    assert Client().get("/api/people/staff/").status_code in (401, 403)
    assert Client(HTTP_AUTHORIZATION="Token not-a-token").get("/api/people/staff/").status_code == 401


def test_staff_api_gives_a_head_only_own_staff_by_token_and_by_session(
    world: World, head: User, signed_in: Callable[[User], Client]
) -> None:
    for client in (api(head), signed_in(head)):
        rows = client.get("/api/people/staff/").json()["results"]
        assert sorted(row["last_name"] for row in rows) == ["Bijušais", "Manējā"]
        assert client.get(f"/api/people/staff/{world.theirs.pk}/").status_code == 404


def test_staff_api_masks_codes_for_roles_that_may_not_reveal_them(world: World, make_user: Callable[..., User]) -> None:
    rows = api(make_user(Role.INSTITUTION_STAFF, [world.school])).get("/api/people/staff/").json()["results"]
    assert sorted(row["last_name"] for row in rows) == ["Bijušais", "Manējā"]
    assert {row["personal_code"] for row in rows} == {world.mine.masked_code, world.former.masked_code}
    analyst_rows = api(make_user(Role.BOARD_ANALYST)).get("/api/people/staff/").json()["results"]
    assert len(analyst_rows) == 3
    assert all(row["personal_code"].endswith("-*****") for row in analyst_rows)


def test_staff_api_shows_a_head_full_codes_as_the_role_allows(world: World, head: User) -> None:
    rows = api(head).get("/api/people/staff/").json()["results"]
    # The list is masked (no codes in bulk); one person's record shows the full code to a head.
    assert {row["personal_code"] for row in rows} == {world.mine.masked_code, world.former.masked_code}
    record = api(head).get(f"/api/people/staff/{world.mine.pk}/").json()
    assert record["personal_code"] == world.mine.personal_code


def test_stats_api_returns_every_documented_key(world: World, make_user: Callable[..., User]) -> None:
    response = api(make_user(Role.BOARD_ANALYST)).get("/api/people/stats/", {"as_of": "2024-08-19"})
    assert response.status_code == 200
    stats = response.json()
    assert set(stats) == STATS_KEYS
    assert stats["as_of"] == "2024-08-19"
    assert stats["pedagogues_total"] == 2  # Manējā and Svešā; Bijušais left in 2022
    assert stats["vacancies_count"] == 2


def test_stats_api_scopes_a_heads_figures_and_refuses_a_bad_date(world: World, head: User) -> None:
    stats = api(head).get("/api/people/stats/", {"as_of": "2024-08-19"}).json()
    assert list(stats["pedagogues_by_institution"]) == ["9000000011"]
    assert list(stats["vacancies"]) == ["9000000011"]
    bad = api(head).get("/api/people/stats/", {"as_of": "19.08.2024"})
    assert bad.status_code == 400 and "as_of" in bad.json()
    assert Client().get("/api/people/stats/").status_code in (401, 403)


NEW_VACANCY = {
    "institution": "9000000011",
    "position": "subject_teacher",
    "subject": "informātika",
    "fte": "0.5",
    "declared_on": "2024-08-01",
}


def test_vacancy_api_refuses_an_update_without_a_version_or_with_a_stale_one(world: World, head: User) -> None:
    client = api(head)
    created = client.post("/api/people/vacancies/", NEW_VACANCY, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["version"], body["status"], body["fte"]) == (1, "declared", "0.500")
    url = f"/api/people/vacancies/{body['id']}/"

    without = client.patch(url, {"fte": "1"}, content_type="application/json")
    assert without.status_code == 400 and "version" in without.json()
    assert Vacancy.objects.get(pk=body["id"]).fte == Decimal("0.5")

    current = client.patch(url, {"fte": "1", "version": 1}, content_type="application/json")
    assert current.status_code == 200, current.content
    assert current.json()["version"] == 2

    stale = client.patch(url, {"fte": "3.221", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    stored = Vacancy.objects.get(pk=body["id"])
    assert (stored.fte, stored.version) == (Decimal("1"), 2)


def test_vacancy_api_steps_take_a_date_and_a_version(world: World, head: User) -> None:
    client = api(head)
    url = f"/api/people/vacancies/{world.my_vacancy.pk}/"
    early = client.post(url + "fill/", {"on": "2024-08-10", "version": 1}, content_type="application/json")
    assert early.status_code == 400 and "filled_on" in early.json()
    published = client.post(url + "publish/", {"on": "2024-08-05", "version": 1}, content_type="application/json")
    assert published.status_code == 200, published.content
    assert (published.json()["published_on"], published.json()["version"]) == ("2024-08-05", 2)
    stale = client.post(url + "fill/", {"on": "2024-09-01", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    filled = client.post(url + "fill/", {"on": "2024-09-01", "version": 2}, content_type="application/json")
    assert filled.status_code == 200 and filled.json()["status"] == "filled"


def test_vacancy_api_refuses_another_institution_and_a_fill_before_publication(world: World, head: User) -> None:
    client = api(head)
    elsewhere = client.post(
        "/api/people/vacancies/", {**NEW_VACANCY, "institution": "9000000015"}, content_type="application/json"
    )
    assert elsewhere.status_code == 400 and "institution" in elsewhere.json()
    early = client.post(
        "/api/people/vacancies/",
        {**NEW_VACANCY, "published_on": "2024-08-05", "filled_on": "2024-08-04"},
        content_type="application/json",
    )
    assert early.status_code == 400 and "filled_on" in early.json()
    assert not Vacancy.objects.filter(subject="informātika").exists()


def test_employment_api_answers_the_total_fte_warning_and_saves_the_rate(world: World, head: User) -> None:
    response = api(head).post(
        "/api/people/employments/",
        {
            "staff_member": world.mine.pk,
            "institution": "9000000011",
            "position": "deputy_head",
            "fte": "0.75",
            "start_date": "2024-09-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert "1.75" in response.json()["warning"]
    assert Employment.objects.filter(staff_member=world.mine).count() == 2


def test_employment_api_refuses_four_decimals_and_an_end_before_the_start(world: World, head: User) -> None:
    rate_ = {"staff_member": world.mine.pk, "institution": "9000000011", "position": "deputy_head"}
    client = api(head)
    decimals = client.post(
        "/api/people/employments/",
        {**rate_, "fte": "0.1234", "start_date": "2024-09-01"},
        content_type="application/json",
    )
    assert decimals.status_code == 400 and "fte" in decimals.json()
    backwards = client.post(
        "/api/people/employments/",
        {**rate_, "fte": "0.5", "start_date": "2024-09-01", "end_date": "2024-08-01"},
        content_type="application/json",
    )
    assert backwards.status_code == 400 and "end_date" in backwards.json()
    assert Employment.objects.filter(staff_member=world.mine).count() == 1


def test_vacancy_api_step_with_a_version_that_is_no_number_is_a_bad_request(world: World, head: User) -> None:
    client = api(head)
    client.raise_request_exception = False
    response = client.post(
        f"/api/people/vacancies/{world.my_vacancy.pk}/publish/",
        {"on": "2024-08-05", "version": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Vacancy.objects.get(pk=world.my_vacancy.pk).published_on is None


def test_staff_api_refuses_a_personal_code_already_stored_however_it_is_written(world: World, head: User) -> None:
    client = api(head)
    client.raise_request_exception = False
    person_ = {"first_name": "Sofija", "last_name": "Svešā"}
    with_hyphen = client.post(
        "/api/people/staff/", {**person_, "personal_code": world.theirs.personal_code}, content_type="application/json"
    )
    assert with_hyphen.status_code == 400 and "personal_code" in with_hyphen.json()
    without_hyphen = client.post(
        "/api/people/staff/",
        {**person_, "personal_code": world.theirs.personal_code.replace("-", "")},
        content_type="application/json",
    )
    assert without_hyphen.status_code == 400  # the same person: refused as a duplicate, not a server error


def test_openapi_schema_describes_the_people_and_public_vacancy_endpoints(world: World) -> None:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/people/staff/",
        "/api/public/vacancies/",
        "/api/people/vacancies/{id}/publish/",
        "/api/people/stats/",
    ):
        assert path in paths

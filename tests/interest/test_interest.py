"""Interest education (issue 21, point 4): the figures as of a date, clubs and municipal licences with their rules and
scope, a group's leader and club, and the pages (the demonstration data: test_interest_demo.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.interest import selectors as interest
from eduboard.interest import services as interest_services
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry import services
from eduboard.registry.choices import InstitutionType, MunicipalLicenceKind
from eduboard.registry.models import Club, Enrolment, Group, Institution, Learner, MunicipalLicence, Programme
from eduboard.registry.synthetic import PersonalCodes
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 10, 1)
CODES = PersonalCodes()


@pytest.fixture
def jauniba(db: None) -> Institution:
    return InstitutionFactory(
        name="Daugavpils pilsētas Bērnu un jauniešu centrs “Jaunība”",
        registration_number="9000000031",
        type=InstitutionType.INTEREST_EDUCATION,
    )


@pytest.fixture
def other_centre(db: None) -> Institution:
    return InstitutionFactory(
        name="Daugavpils Sporta un interešu centrs", registration_number="9000000032", type="interest"
    )


def programme(code: str, level: str = "interest", stem: bool = False, field: str = "arts") -> Programme:
    return Programme.objects.create(
        code=code, name=f"Programma {code}", level=level, stem=stem, field=field if level == "interest" else ""
    )


def learner() -> Learner:
    birth = date(2012, 3, 1) + timedelta(days=len(CODES.used))
    return Learner.objects.create(
        personal_code=CODES.for_birth_date(birth), first_name="Anna", last_name="Ozola", birth_date=birth
    )


def person() -> StaffMember:
    birth = date(1980, 1, 1) + timedelta(days=len(CODES.used))
    return StaffMember.objects.create(personal_code=CODES.for_birth_date(birth), first_name="Ilze", last_name="Kalna")


def employ(
    staff: StaffMember, institution: Institution, position: str = "subject_teacher", **dates: date
) -> Employment:
    ensure_standard_positions()
    return Employment.objects.create(
        staff_member=staff,
        institution=institution,
        position=PositionKind.objects.get(code=position),
        fte=Decimal("1"),
        start_date=dates.get("start_date", date(2020, 9, 1)),
        end_date=dates.get("end_date"),
    )


def enrol(who: Learner, group: Group, enrolled_on: date = date(2024, 9, 1), left_on: date | None = None) -> None:
    Enrolment.objects.create(learner=who, group=group, enrolled_on=enrolled_on, left_on=left_on)


# --- the figures


@pytest.fixture
def world(jauniba: Institution, school_a: Institution) -> dict[str, Any]:
    """Interest groups, a basic class, clubs and staff around AS_OF (2024-10-01), with one edge case each."""
    year, before = school_year_get_or_create(code="2024/2025"), school_year_get_or_create(code="2023/2024")
    robotics, dance = programme("80031001", stem=True, field="technical"), programme("80031002", field="dance")
    old = programme("80031003", stem=True, field="science")  # only a group of the year before
    basic = programme("21011111", level="basic")
    g1 = Group.objects.create(institution=jauniba, school_year=year, programme=robotics, name="Robotika 1")
    g2 = Group.objects.create(institution=jauniba, school_year=year, programme=robotics, name="Robotika 2")
    g3 = Group.objects.create(institution=jauniba, school_year=year, programme=dance, name="Dejas 1")
    Group.objects.create(institution=jauniba, school_year=before, programme=old, name="Dabaszinātnes 1")
    klass = Group.objects.create(institution=school_a, school_year=year, programme=basic, name="5.a", grade=5)
    twice, counted = learner(), learner()
    enrol(twice, g1)
    enrol(twice, g2)  # in two groups: one participant
    enrol(counted, g3)
    enrol(learner(), g3, left_on=date(2024, 9, 15))  # left before the date
    enrol(learner(), g3, left_on=AS_OF)  # `left_on` is the first day out of the group
    enrol(learner(), g3, enrolled_on=date(2024, 10, 5))  # enrolled after the date
    enrol(learner(), klass)  # a school class, not interest education
    Club.objects.create(institution=jauniba, name="Ruģeļi", opened_on=date(2015, 9, 1))
    Club.objects.create(institution=jauniba, name="Ķīmija")  # no dates: open
    Club.objects.create(institution=jauniba, name="Vecais", closed_on=date(2024, 6, 30))
    Club.objects.create(institution=jauniba, name="Slēgts šodien", closed_on=AS_OF)
    Club.objects.create(institution=jauniba, name="Nākotnes", opened_on=date(2025, 1, 1))
    teacher = person()
    employ(teacher, jauniba)
    employ(teacher, jauniba, "deputy_head")  # a second rate of the same pedagogue
    employ(person(), jauniba, "other")  # not pedagogical: an employment, not a pedagogue
    employ(person(), jauniba, end_date=date(2024, 9, 30))  # ended before the date
    employ(person(), jauniba, start_date=date(2024, 10, 2))  # starts after the date
    employ(person(), school_a)  # a school, not interest education
    return {"year": year, "groups": [g1, g2, g3], "klass": klass, "teacher": teacher}


def test_interest_figures_count_groups_programmes_participants_clubs_and_staff_on_the_date(
    world: dict[str, Any],
) -> None:
    figures = interest.interest_figures(as_of=AS_OF, visible_to=WHOLE_CITY)
    assert figures == {
        "programmes": 2,
        "stem_programmes": 1,
        "groups": 3,
        "clubs": 2,
        "participants": 2,
        "pedagogues": 1,
        "employments": 3,
    }
    assert tuple(figures) == interest.FIGURE_KEYS


def test_interest_figures_of_a_summer_day_describe_the_coming_school_year(world: dict[str, Any]) -> None:
    """As the registry's figures: 19 August describes the school year about to start once its groups exist."""
    figures = interest.interest_figures(as_of=date(2024, 8, 19), visible_to=WHOLE_CITY)
    assert (figures["groups"], figures["programmes"]) == (3, 2)
    assert figures["participants"] == 4  # enrolled by the year's first day (not the one of 5 October), none left yet


def test_interest_figures_of_a_day_without_a_school_year_are_zero_but_clubs_and_staff(world: dict[str, Any]) -> None:
    figures = interest.interest_figures(as_of=date(2030, 10, 1), visible_to=WHOLE_CITY)
    assert figures["groups"] == figures["programmes"] == figures["participants"] == 0
    assert figures["clubs"] == 3 and figures["employments"] == 4  # the rate that began on 2 October holds then


def test_a_head_of_a_school_counts_only_their_institution(
    world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [world["klass"].institution])
    figures = interest.interest_figures(as_of=AS_OF, visible_to=head)
    assert figures == dict.fromkeys(interest.FIGURE_KEYS, 0)


def test_the_programme_table_counts_groups_and_participants_per_programme(world: dict[str, Any]) -> None:
    rows = {row["code"]: row for row in interest.interest_programme_rows(as_of=AS_OF, visible_to=WHOLE_CITY)}
    assert set(rows) == {"80031001", "80031002"}
    assert (rows["80031001"]["groups"], rows["80031001"]["participants"], rows["80031001"]["stem"]) == (2, 1, True)
    assert (rows["80031002"]["groups"], rows["80031002"]["participants"]) == (1, 1)


def test_the_figures_take_a_bounded_number_of_queries(world: dict[str, Any], jauniba: Institution) -> None:
    with CaptureQueriesContext(connection) as few:
        interest.interest_figures(as_of=AS_OF, visible_to=WHOLE_CITY)
    for index in range(5):
        group = Group.objects.create(
            institution=jauniba,
            school_year=world["year"],
            programme=programme(f"8004000{index}", stem=True),
            name=f"Jauna {index}",
        )
        enrol(learner(), group)
    with CaptureQueriesContext(connection) as many:
        figures = interest.interest_figures(as_of=AS_OF, visible_to=WHOLE_CITY)
    assert figures["groups"] == 8 and figures["stem_programmes"] == 6
    assert len(many) == len(few) <= 6


# --- municipal licences


def licence(**fields: Any) -> MunicipalLicence:
    values: dict[str, Any] = {
        "number": "IP-2024/01",
        "kind": MunicipalLicenceKind.INTEREST,
        "programme_name": "Robotika",
        "hours": 72,
        "provider_name": "SIA “Robotikas akadēmija”",
        "issued_on": date(2024, 6, 1),
    }
    values.update(fields)
    return MunicipalLicence(**values)


@pytest.fixture
def board(make_user: Callable[..., User]) -> User:
    return make_user(Role.BOARD_ADMIN)


def test_a_licence_of_161_hours_is_refused_naming_the_hours(board: User, english: None) -> None:
    with pytest.raises(ValidationError) as refused:
        interest_services.municipal_licence_save(licence=licence(hours=161), viewer=board)
    assert "hours" in refused.value.message_dict
    assert "1 to 160 hours" in refused.value.message_dict["hours"][0]
    assert not MunicipalLicence.objects.exists()
    saved = interest_services.municipal_licence_save(licence=licence(hours=160), viewer=board)
    assert saved.pk and saved.hours == 160


def test_the_database_refuses_a_licence_of_161_hours() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        licence(hours=161).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        licence(hours=0).save()


def test_a_private_provider_outside_the_registry_is_named_and_one_of_the_two_is_required(
    board: User, jauniba: Institution
) -> None:
    private = interest_services.municipal_licence_save(licence=licence(), viewer=board)
    assert private.provider is None and private.provider_name.startswith("SIA")
    with pytest.raises(ValidationError) as refused:
        interest_services.municipal_licence_save(licence=licence(number="IP-2", provider_name="  "), viewer=board)
    assert "provider_name" in refused.value.message_dict
    chosen = interest_services.municipal_licence_save(
        licence=licence(number="IP-3", provider=jauniba, provider_name=""), viewer=board
    )
    assert chosen.provider_name == jauniba.name and chosen.provider_registration_number == "9000000031"


def test_a_licence_valid_until_before_its_issue_is_refused(board: User) -> None:
    with pytest.raises(ValidationError) as refused:
        interest_services.municipal_licence_save(licence=licence(valid_until=date(2024, 5, 31)), viewer=board)
    assert "valid_until" in refused.value.message_dict


def test_a_licence_is_valid_expiring_expired_or_not_yet_valid_on_a_day() -> None:
    day = date(2025, 1, 10)
    assert interest.licence_validity(licence(), on=day) == "valid"  # without a term
    assert interest.licence_validity(licence(valid_until=date(2025, 4, 10)), on=day) == "expiring"
    assert interest.licence_validity(licence(valid_until=date(2025, 4, 11)), on=day) == "valid"
    assert interest.licence_validity(licence(valid_until=date(2025, 1, 9)), on=day) == "expired"
    assert interest.licence_validity(licence(valid_until=day), on=day) == "expiring"
    assert interest.licence_validity(licence(issued_on=date(2025, 2, 1)), on=day) == "not_yet"


def test_a_head_cannot_add_a_municipal_licence(
    jauniba: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [jauniba])
    with pytest.raises(PermissionDenied):
        interest_services.municipal_licence_save(licence=licence(provider=jauniba), viewer=head)
    client = signed_in(head)
    assert client.get(reverse("interest:municipal_licence_add")).status_code == 403
    body = {"number": "X-1", "kind": "interest", "programme_name": "Robotika", "hours": 10, "provider": jauniba.pk,
            "issued_on": "2024-06-01"}  # fmt: skip
    assert client.post(reverse("interest:municipal_licence_add"), body).status_code == 403
    assert not MunicipalLicence.objects.exists()
    assert client.get(reverse("interest:municipal_licence_list")).status_code == 200


def test_a_head_sees_their_institutions_licences_only(
    board: User, jauniba: Institution, other_centre: Institution, make_user: Callable[..., User]
) -> None:
    mine = interest_services.municipal_licence_save(
        licence=licence(number="A", provider=jauniba, provider_name=""), viewer=board
    )
    interest_services.municipal_licence_save(
        licence=licence(number="B", provider=other_centre, provider_name=""), viewer=board
    )
    interest_services.municipal_licence_save(licence=licence(number="C"), viewer=board)  # a private provider's
    head = make_user(Role.INSTITUTION_HEAD, [jauniba])
    assert list(MunicipalLicence.objects.visible_to(head)) == [mine]


def test_the_licence_form_refuses_161_hours_and_a_missing_provider(
    board: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(board)
    url = reverse("interest:municipal_licence_add")
    body = {"number": "IP-9", "kind": "adult", "programme_name": "Latviešu valoda", "hours": 161,
            "provider_name": "", "issued_on": "2024-06-01", "valid_until": "2024-05-01"}  # fmt: skip
    response = client.post(url, body)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"hours", "provider_name", "valid_until"} <= set(errors)
    assert not MunicipalLicence.objects.exists()
    body.update({"hours": 160, "provider_name": "SIA “Valodu centrs”", "valid_until": "2027-05-31"})
    assert client.post(url, body).status_code == 302
    saved = MunicipalLicence.objects.get()
    assert (saved.hours, saved.provider_id, saved.version) == (160, None, 1)


# --- clubs


def test_a_head_sees_and_edits_only_their_clubs(
    jauniba: Institution,
    other_centre: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    mine = Club.objects.create(institution=jauniba, name="Ruģeļi")
    theirs = Club.objects.create(institution=other_centre, name="Grīva")
    head = make_user(Role.INSTITUTION_HEAD, [jauniba])
    client = signed_in(head)
    listed = client.get(reverse("interest:club_list"))
    assert listed.status_code == 200
    assert [club.pk for club in listed.context["object_list"]] == [mine.pk]
    assert client.get(reverse("interest:club_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("interest:club_edit", args=[theirs.pk]), {"name": "X"}).status_code == 404
    # adding a club to another institution: the choice is not offered, nothing is made
    response = client.post(reverse("interest:club_add"), {"institution": other_centre.pk, "name": "Jauns"})
    assert response.status_code == 200 and "institution" in response.context["form"].errors
    assert not Club.objects.filter(name="Jauns").exists()
    with pytest.raises(ValidationError):
        interest_services.club_save(club=Club(institution=other_centre, name="Jauns"), viewer=head)
    with pytest.raises(PermissionDenied):
        theirs.name = "Cits"
        interest_services.club_save(club=theirs, viewer=head)
    # their own: added and edited, with the version
    added = client.post(
        reverse("interest:club_add"), {"institution": jauniba.pk, "name": " Forštate ", "address": "Valkas iela 4"}
    )
    assert added.status_code == 302
    club = Club.objects.get(name="Forštate")
    edit = {"institution": jauniba.pk, "name": "Forštate", "address": "Valkas iela 6", "version": club.version}
    assert client.post(reverse("interest:club_edit", args=[club.pk]), edit).status_code == 302
    club.refresh_from_db()
    assert (club.address, club.version) == ("Valkas iela 6", 2)


def test_a_club_belongs_to_an_interest_education_institution_and_text_without_control_characters(
    board: User, school_a: Institution, jauniba: Institution
) -> None:
    with pytest.raises(ValidationError) as refused:
        interest_services.club_save(club=Club(institution=school_a, name="Klubs"), viewer=board)
    assert "institution" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        interest_services.club_save(club=Club(institution=jauniba, name="Klubs\x00"), viewer=board)
    assert "name" in refused.value.message_dict


def test_a_staff_member_of_the_institution_cannot_add_a_club(
    jauniba: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_STAFF, [jauniba]))
    assert client.get(reverse("interest:club_add")).status_code == 403
    assert client.post(reverse("interest:club_add"), {"institution": jauniba.pk, "name": "X"}).status_code == 403
    assert not Club.objects.exists()


# --- a group's leader and club


def test_a_groups_leader_must_be_employed_at_the_groups_institution(
    jauniba: Institution, other_centre: Institution
) -> None:
    year = school_year_get_or_create(code="2024/2025")
    group = Group(institution=jauniba, school_year=year, programme=programme("80031001"), name="Robotika 1")
    stranger, gone, teacher = person(), person(), person()
    employ(stranger, other_centre)
    employ(gone, jauniba, end_date=date(2024, 6, 30))  # left before the school year
    employ(teacher, jauniba)
    for wrong in (stranger, gone):
        group.leader = wrong
        with pytest.raises(ValidationError) as refused:
            services.group_save(group=group)
        assert "leader" in refused.value.message_dict
    assert not Group.objects.exists()
    group.leader = teacher
    services.group_save(group=group)
    assert Group.objects.get().leader == teacher


def test_a_group_meets_only_in_a_club_of_its_institution(jauniba: Institution, other_centre: Institution) -> None:
    year = school_year_get_or_create(code="2024/2025")
    group = Group(institution=jauniba, school_year=year, programme=programme("80031001"), name="Robotika 1")
    group.club = Club.objects.create(institution=other_centre, name="Grīva")
    with pytest.raises(ValidationError) as refused:
        services.group_save(group=group)
    assert "club" in refused.value.message_dict
    group.club = Club.objects.create(institution=jauniba, name="Ruģeļi")
    services.group_save(group=group)


def test_the_api_refuses_a_leader_not_employed_at_the_groups_institution(
    jauniba: Institution, other_centre: Institution, board: User, signed_in: Callable[[User], Client]
) -> None:
    year = school_year_get_or_create(code="2024/2025")
    group = Group.objects.create(institution=jauniba, school_year=year, programme=programme("80031001"), name="R 1")
    stranger, teacher = person(), person()
    employ(stranger, other_centre)
    employ(teacher, jauniba)
    client = signed_in(board)
    url = f"/api/registry/groups/{group.pk}/"
    refused = client.patch(url, {"leader": stranger.pk, "version": 1}, content_type="application/json")
    assert refused.status_code == 400 and "leader" in refused.json()
    accepted = client.patch(url, {"leader": teacher.pk, "version": 1}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["leader"] == teacher.pk


def test_stem_and_field_are_for_interest_programmes_only() -> None:
    with pytest.raises(ValidationError):
        services.programme_save(programme=Programme(code="21011111", name="Pamatizglītība", level="basic", stem=True))
    saved = services.programme_save(
        programme=Programme(code="80031001", name="Robotika", level="interest", stem=True, field="technical")
    )
    assert saved.stem and saved.field == "technical"


# --- the pages


PAGES = [
    ("interest:interest_overview", "?as_of=2024-10-01"),
    ("interest:interest_groups", ""),
    ("interest:interest_groups", "?stem=True&field=technical"),
    ("interest:interest_groups", "?export=csv"),
    ("interest:interest_groups", "?export=xlsx"),
    ("interest:club_list", ""),
    ("interest:club_list", "?status=active&export=csv"),
    ("interest:club_add", ""),
    ("interest:municipal_licence_list", "?valid_on=2025-01-10&kind=interest"),
    ("interest:municipal_licence_list", "?export=xlsx"),
    ("interest:municipal_licence_add", ""),
]


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_the_pages_answer_the_board_with_a_bounded_number_of_queries(
    name: str,
    query: str,
    world: dict[str, Any],
    jauniba: Institution,
    board: User,
    signed_in: Callable[[User], Client],
) -> None:
    club = Club.objects.get(name="Ruģeļi")
    Group.objects.filter(pk=world["groups"][0].pk).update(club=club, leader=world["teacher"])
    interest_services.municipal_licence_save(licence=licence(provider=jauniba, provider_name=""), viewer=board)
    interest_services.municipal_licence_save(
        licence=licence(number="PI-1", kind="adult", valid_until=date(2025, 2, 1)), viewer=board
    )
    client = signed_in(board)
    url = reverse(name) + query
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    year = world["year"]
    for index in range(4):  # more rows of every kind
        more = Club.objects.create(institution=jauniba, name=f"Klubs {index}")
        group = Group.objects.create(
            institution=jauniba,
            school_year=year,
            programme=programme(f"8005000{index}", stem=bool(index % 2), field="technical"),
            name=f"Grupa {index}",
            club=more,
            leader=world["teacher"],
        )
        enrol(learner(), group)
        interest_services.municipal_licence_save(
            licence=licence(number=f"N-{index}", provider=jauniba, provider_name=""), viewer=board
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) <= len(few) <= 40  # the first request may read what the second finds cached


def test_the_edit_pages_of_a_club_and_a_licence_answer_the_board(
    jauniba: Institution, board: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(board)
    club = Club.objects.create(institution=jauniba, name="Ruģeļi")
    saved = interest_services.municipal_licence_save(licence=licence(), viewer=board)
    assert client.get(reverse("interest:club_edit", args=[club.pk])).status_code == 200
    assert client.get(reverse("interest:municipal_licence_edit", args=[saved.pk])).status_code == 200
    edit = {"number": saved.number, "kind": saved.kind, "programme_name": "Robotika II", "hours": 80,
            "provider_name": saved.provider_name, "issued_on": "2024-06-01", "version": 1}  # fmt: skip
    assert client.post(reverse("interest:municipal_licence_edit", args=[saved.pk]), edit).status_code == 302
    saved.refresh_from_db()
    assert (saved.programme_name, saved.hours, saved.version) == ("Robotika II", 80, 2)
    stale = client.post(reverse("interest:municipal_licence_edit", args=[saved.pk]), {**edit, "hours": 90})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    saved.refresh_from_db()
    assert saved.hours == 80


def test_a_head_opens_the_overview_and_groups_of_their_scope(
    world: dict[str, Any], jauniba: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [world["klass"].institution]))
    overview = client.get(reverse("interest:interest_overview") + "?as_of=2024-10-01")
    assert overview.status_code == 200 and overview.context["figures"]["groups"] == 0
    groups = client.get(reverse("interest:interest_groups"))
    assert groups.status_code == 200 and not groups.context["object_list"]


def test_the_group_list_filters_by_stem_field_and_club(
    world: dict[str, Any], board: User, signed_in: Callable[[User], Client]
) -> None:
    club = Club.objects.get(name="Ruģeļi")
    Group.objects.filter(pk=world["groups"][2].pk).update(club=club)
    client = signed_in(board)
    url = reverse("interest:interest_groups")

    def names(query: str) -> list[str]:
        return sorted(group.name for group in client.get(url + query).context["object_list"])

    assert names("") == ["Dabaszinātnes 1", "Dejas 1", "Robotika 1", "Robotika 2"]  # not the school's class
    assert names("?stem=True") == ["Dabaszinātnes 1", "Robotika 1", "Robotika 2"]
    assert names("?stem=False") == ["Dejas 1"]
    assert names("?field=dance") == ["Dejas 1"]
    assert names(f"?club={club.pk}") == ["Dejas 1"]
    assert names(f"?school_year={world['year'].pk}&stem=True") == ["Robotika 1", "Robotika 2"]


def test_the_command_prints_the_interest_figures_as_json(world: dict[str, Any]) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("innovation_stats", "interest", "--as-of", AS_OF.isoformat(), stdout=out)
    assert json.loads(out.getvalue()) == interest.interest_figures(as_of=AS_OF, visible_to=WHOLE_CITY)
    assert json.loads(out.getvalue())["groups"] == 3


def test_a_club_place_neither_takes_a_learner_from_their_school_nor_blocks_a_transfer(
    world: dict[str, Any], jauniba: Institution, school_a: Institution, school_b: Institution
) -> None:
    from tests.factories import UserFactory

    child = learner()
    enrol(child, world["klass"])  # school A's class
    enrol(child, world["groups"][0])  # and a robotics club at “Jaunība”
    head_a = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school_a])
    head_club = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[jauniba])
    assert Learner.objects.editable_by(head_a).filter(pk=child.pk).exists()  # the school keeps the record
    assert not Learner.objects.editable_by(head_club).filter(pk=child.pk).exists()  # the club does not take it
    assert Learner.objects.visible_to(head_club).filter(pk=child.pk).exists()  # but sees its participant
    # A second club: joined without leaving school A.
    club = Group.objects.create(
        institution=jauniba, school_year=world["year"], programme=world["groups"][2].programme, name="Dejas 2"
    )
    services.learner_transfer(personal_code=child.personal_code, group=club, on=AS_OF, viewer=head_club)
    assert Enrolment.objects.filter(learner=child, left_on__isnull=True).count() == 3
    # Moving to school B (by the board): the class of A is closed, the clubs stay.
    basic = world["klass"].programme
    klass_b = Group.objects.create(
        institution=school_b, school_year=world["year"], programme=basic, name="5.b", grade=5
    )
    services.learner_transfer(personal_code=child.personal_code, group=klass_b, on=AS_OF, viewer=WHOLE_CITY)
    still_open = set(
        Enrolment.objects.filter(learner=child, left_on__isnull=True).values_list("group__name", flat=True)
    )
    assert still_open == {"Robotika 1", "Dejas 2", "5.b"}


def test_the_programmes_file_takes_the_stem_flag_and_field_and_a_file_without_them_keeps_them(
    tmp_path: Any,
) -> None:
    from eduboard.core.imports import ImportFailed
    from eduboard.registry.importers import ProgrammeImporter

    path = tmp_path / "programmes.csv"
    path.write_text(
        "code,name,level,special_needs,language,stem,field\n"
        "80031001,Robotika,interest,,lv,yes,technical\n"
        "80031002,Tautas dejas,interest,,lv,no,dance\n",
        encoding="utf-8",
    )
    assert ProgrammeImporter(viewer=WHOLE_CITY).run(path).created == 2
    assert Programme.objects.get(code="80031001").stem and Programme.objects.get(code="80031002").field == "dance"
    path.write_text("code,name,level,special_needs,language\n80031001,Robotika,interest,,lv\n", encoding="utf-8")
    assert ProgrammeImporter(viewer=WHOLE_CITY).run(path).unchanged == 1  # the old format leaves them
    assert Programme.objects.get(code="80031001").stem
    path.write_text(
        "code,name,level,special_needs,language,stem,field\n21011111,Pamatizglītība,basic,,lv,yes,\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailed) as failure:
        ProgrammeImporter(viewer=WHOLE_CITY).run(path)
    assert [(e.row, e.column) for e in failure.value.errors] == [(2, "stem")]

"""People: the rules, the seed 002 figures of the demonstration data, scoping, the public page and feeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.people import rules, services
from eduboard.people.models import Employment, PositionKind, StaffMember, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.people.selectors import people_stats
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes
from tests.demo_data import load_demo

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
CODES = PersonalCodes()


@pytest.fixture
def positions() -> dict[str, PositionKind]:
    ensure_standard_positions()
    return {p.code: p for p in PositionKind.objects.all()}


def person(name: str, birth: date = date(1980, 3, 15)) -> StaffMember:
    return StaffMember.objects.create(personal_code=CODES.for_birth_date(birth), first_name=name, last_name="Liepa")


def rate(who: StaffMember, where: Institution, position: PositionKind, fte: str = "1", **dates: date) -> Employment:
    dates.setdefault("start_date", date(2020, 9, 1))
    return Employment.objects.create(staff_member=who, institution=where, position=position, fte=Decimal(fte), **dates)


# --- rules


def test_fte_must_be_above_zero_and_the_end_after_the_start() -> None:
    with pytest.raises(ValidationError) as zero:
        rules.validate_employment_values(fte=Decimal("0"), start_date=None, end_date=None)
    assert "fte" in zero.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        rules.validate_employment_values(fte=Decimal("1"), start_date=date(2024, 9, 1), end_date=date(2024, 8, 31))
    assert "end_date" in backwards.value.message_dict


def test_total_fte_above_the_limit_warns_but_saves(
    school_a: Institution, school_b: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = person("Inese")
    rate(teacher, school_a, positions["subject_teacher"], "1")
    second = Employment(
        staff_member=teacher,
        institution=school_b,
        position=positions["subject_teacher"],
        fte=Decimal("0.75"),
        start_date=date(2024, 9, 1),
    )
    warning = services.employment_save(employment=second)
    assert warning is not None and "1.75" in warning and "1.5" in warning
    assert Employment.objects.filter(staff_member=teacher).count() == 2
    third_alone = person("Anna", date(1981, 3, 15))
    alone = Employment(
        staff_member=third_alone,
        institution=school_a,
        position=positions["head"],
        fte=Decimal("1"),
        start_date=date(2024, 9, 1),
    )
    assert services.employment_save(employment=alone) is None


def test_a_vacancy_cannot_be_filled_before_it_is_published_and_a_stale_step_is_refused(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    vacancy = Vacancy.objects.create(
        institution=school_a, position=positions["subject_teacher"], fte=Decimal("1"), declared_on=date(2024, 8, 1)
    )
    with pytest.raises(ValidationError) as unpublished:
        services.vacancy_step(vacancy_id=vacancy.pk, step="fill", on=date(2024, 8, 2), version=vacancy.version)
    assert "filled_on" in unpublished.value.message_dict
    published = services.vacancy_step(vacancy_id=vacancy.pk, step="publish", on=date(2024, 8, 5), version=1)
    with pytest.raises(ValidationError) as stale:
        services.vacancy_step(vacancy_id=vacancy.pk, step="fill", on=date(2024, 9, 1), version=1)
    assert stale.value.code == "stale"
    filled = services.vacancy_step(vacancy_id=vacancy.pk, step="fill", on=date(2024, 9, 1), version=published.version)
    assert (filled.published_on, filled.filled_on, filled.status) == (date(2024, 8, 5), date(2024, 9, 1), "filled")


# --- figures


def test_pedagogues_in_several_institutions_count_only_rates_held_on_the_date(
    school_a: Institution, school_b: Institution, positions: dict[str, PositionKind]
) -> None:
    preschool = Institution.objects.create(name="Ruģeļu PII", type="preschool", registration_number="9000000001")
    both = person("Abi")
    rate(both, school_a, positions["subject_teacher"])
    rate(both, school_b, positions["subject_teacher"], "0.5", end_date=date(2024, 8, 19))  # last day included
    ended = person("Beidza", date(1982, 1, 1))
    rate(ended, school_a, positions["subject_teacher"])
    rate(ended, school_b, positions["subject_teacher"], end_date=date(2024, 8, 18))
    assistant = person("Palīgs", date(1983, 1, 1))
    rate(assistant, school_a, positions["assistant"])
    rate(person("Pirmsskola", date(1984, 1, 1)), school_b, positions["preschool_teacher"])
    rate(person("PII", date(1985, 1, 1)), preschool, positions["speech_therapist"])
    rate(person("Vēlāk", date(1986, 1, 1)), school_a, positions["subject_teacher"], start_date=date(2024, 9, 1))

    stats = people_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 19))
    assert stats["pedagogues_by_institution"]["9000000011"]["pedagogues"] == 2  # not the assistant, not "Vēlāk"
    assert stats["pedagogues_by_institution"]["9000000011"]["in_several_institutions"] == 1
    assert stats["pedagogues_by_institution"]["9000000015"]["pedagogues"] == 2  # "Beidza" left the day before
    assert stats["general_school_pedagogues"] == {"pedagogues": 3, "in_several_institutions": 1}
    assert stats["preschool_programme_pedagogues"]["preschools"] == {"pedagogues": 1, "in_several_institutions": 0}
    assert stats["preschool_programme_pedagogues"]["schools"]["pedagogues"] == 1
    assert stats["preschool_programme_pedagogues"]["pedagogues"] == 2


def test_open_vacancies_are_grouped_by_institution_with_their_fte(
    school_a: Institution, school_b: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = positions["subject_teacher"]
    Vacancy.objects.create(
        institution=school_a,
        position=teacher,
        subject="ķīmija",
        fte=Decimal("3.221"),
        declared_on=date(2024, 8, 1),
        published_on=date(2024, 8, 1),
        filled_on=date(2024, 9, 1),
    )
    Vacancy.objects.create(
        institution=school_a, position=teacher, subject="fizika", fte=Decimal("0.5"), declared_on=date(2024, 8, 1)
    )
    Vacancy.objects.create(institution=school_b, position=teacher, fte=Decimal("1"), declared_on=date(2024, 8, 1),
                           withdrawn_on=date(2024, 8, 10))  # fmt: skip
    stats = people_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 19))
    assert stats["vacancies_count"] == 2
    assert stats["vacancies_fte_total"] == Decimal("3.721")
    assert stats["vacancies"]["9000000011"]["fte"] == Decimal("3.721")
    assert {p["subject"]: p["fte"] for p in stats["vacancies"]["9000000011"]["positions"]} == {
        "ķīmija": Decimal("3.221"),
        "fizika": Decimal("0.5"),
    }
    assert "9000000015" not in stats["vacancies"]


def test_the_demonstration_data_gives_seed_002s_staff_figures() -> None:
    load_demo()  # once per process, then the rows it wrote put back (tests/demo_data.py)
    stats = people_stats(visible_to=WHOLE_CITY, as_of=date(2024, 8, 19))
    preschool = stats["preschool_programme_pedagogues"]
    assert preschool["preschools"] == {"pedagogues": 257, "in_several_institutions": 13}
    assert preschool["schools"] == {"pedagogues": 237, "in_several_institutions": 6}
    assert preschool["pedagogues"] == 494
    assert stats["general_school_pedagogues"] == {"pedagogues": 831, "in_several_institutions": 54}
    assert stats["pedagogues_by_institution"]["9000000021"]["pedagogues"] == 60
    assert stats["pedagogues_by_institution"]["9000000031"]["pedagogues"] == 62
    fte = sorted(p["fte"] for entry in stats["vacancies"].values() for p in entry["positions"])
    assert fte == sorted(Decimal(f) for f in ["0.5", "3.221", "1", "1", "0.5", "0.5", "1", "1", "0.5", "1", "0.38"])
    assert stats["vacancies_fte_total"] == Decimal("10.601")


# --- scope, pages, public page and feeds


def test_a_head_sees_only_own_staff_and_codes_masked(
    school_a: Institution,
    school_b: Institution,
    positions: dict[str, PositionKind],
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    mine, theirs = person("Mana"), person("Sveša", date(1979, 5, 5))
    rate(mine, school_a, positions["subject_teacher"])
    rate(theirs, school_b, positions["subject_teacher"])
    staff_user = signed_in(make_user(Role.INSTITUTION_STAFF, [school_a]))
    page = staff_user.get("/people/staff/").content.decode()
    assert "Mana" in page and "Sveša" not in page
    assert mine.personal_code not in page and mine.masked_code in page
    assert staff_user.get(f"/people/staff/{theirs.pk}/").status_code == 404
    api = staff_user.get("/api/people/staff/").json()
    assert [row["first_name"] for row in api["results"]] == ["Mana"]
    assert api["results"][0]["personal_code"] == mine.masked_code


def test_the_public_page_and_feeds_show_published_open_vacancies_without_sign_in(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = positions["subject_teacher"]
    Vacancy.objects.create(
        institution=school_a,
        position=teacher,
        subject="ķīmija",
        fte=Decimal("1"),
        declared_on=date(2024, 8, 1),
        published_on=date(2024, 8, 1),
    )
    Vacancy.objects.create(
        institution=school_a, position=teacher, subject="zīmēšana", fte=Decimal("1"), declared_on=date(2024, 8, 1)
    )  # only declared
    Vacancy.objects.create(
        institution=school_a,
        position=teacher,
        subject="mūzika",
        fte=Decimal("1"),
        declared_on=date(2024, 8, 1),
        published_on=date(2024, 8, 1),
        filled_on=date(2024, 9, 1),
    )
    client = Client()
    page = client.get("/vacancies/").content.decode()
    assert "ķīmija" in page and "zīmēšana" not in page and "mūzika" not in page
    assert "Vakances pilsētas izglītības iestādēs" in page
    client.cookies["django_language"] = "en"
    english = client.get("/vacancies/").content.decode()
    assert "Vacancies in the city" in english and "education institutions</h1>" in english
    atom = ET.fromstring(client.get("/vacancies/feed.atom").content)  # noqa: S314 - our own feed
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1
    feed = client.get("/vacancies/feed.json").json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["_vacancy"]["subject"] for item in feed["items"]] == ["ķīmija"]
    assert [row["subject"] for row in client.get("/api/public/vacancies/").json()["results"]] == ["ķīmija"]


def test_import_people_refuses_a_bad_file_whole_and_imports_a_good_one_once(
    tmp_path: Path, school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    header = "personal_code,first_name,last_name,institution,position,subject,fte,start_date,end_date\n"
    good = CODES.for_birth_date(date(1980, 1, 2))
    bad_file = tmp_path / "staff.csv"
    bad_file.write_text(
        header
        + f"{good},Inese,Liepa,9000000011,subject_teacher,matemātika,1,2024-09-01,\n"
        + f"{good[:-1]}{(int(good[-1]) + 1) % 10},Ivo,Egle,9000000011,subject_teacher,,1,2024-09-01,\n"
        + f"{CODES.for_birth_date(date(1980, 1, 3))},Eva,Ozola,9000000099,teacher,,0,2024-09-01,2024-08-01\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(SystemExit) as refused:
        call_command("import_people", "staff", str(bad_file), stdout=StringIO(), stderr=err)
    assert refused.value.code != 0
    assert not StaffMember.objects.exists()  # nothing of the file was saved
    lines = err.getvalue().splitlines()
    assert "row 3, column personal_code: " in "\n".join(lines)
    assert any(line.startswith("row 4, column institution: ") for line in lines)
    assert "Nothing was imported" in lines[-1]
    from eduboard.people.importers import StaffImporter

    good_file = tmp_path / "good.csv"
    good_file.write_text(header + f'{good},Inese,Liepa,9000000011,subject_teacher,matemātika,"0,5",2024-09-01,\n',
                         encoding="utf-8")  # fmt: skip
    first = StaffImporter(viewer=WHOLE_CITY).run(good_file)
    second = StaffImporter(viewer=WHOLE_CITY).run(good_file)
    assert (first.created, second.created, second.updated, second.unchanged) == (1, 0, 0, 1)
    assert Employment.objects.get().fte == Decimal("0.5")

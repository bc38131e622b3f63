"""Leaving reasons as codes: given in a file, the API or a service, inferred (and marked so) when not given, and read
by the prevention figures (`left_without_destination`, `left_by_reason`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from freezegun import freeze_time

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.prevention.selectors import prevention_figures
from eduboard.registry import services
from eduboard.registry.choices import LeavingReason
from eduboard.registry.models import Enrolment, Group, Programme
from eduboard.registry.rules import age_on, inferred_leaving_reason
from eduboard.registry.selectors import default_as_of
from tests.imports_helpers import run_import_command, write_csv
from tests.registry.world import World, build_world, learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CHILD = date(2017, 3, 1)


def infer(**given: object) -> str:
    values: dict[str, object] = {
        "left_on": date(2025, 1, 20),
        "level": "basic",
        "grade": 5,
        "birth_date": CHILD,
        "last_vocational_grade": None,
        "starts_elsewhere": [],
        "starts_here": [],
    }
    values.update(given)
    return inferred_leaving_reason(**values)  # type: ignore[arg-type]


def test_a_place_elsewhere_within_30_days_makes_a_leaving_a_transfer() -> None:
    assert infer(starts_elsewhere=[date(2025, 2, 19)]) == "transferred"  # 30 days later
    assert infer(starts_elsewhere=[date(2024, 12, 21)]) == "transferred"  # 30 days before
    assert infer(starts_elsewhere=[date(2025, 2, 20)]) == "unknown"  # 31 days later


def test_leaving_the_last_grade_in_summer_is_completing_the_programme() -> None:
    assert infer(left_on=date(2024, 6, 1), grade=9) == "completed"
    assert infer(left_on=date(2024, 9, 15), level="secondary", grade=12) == "completed"
    assert infer(left_on=date(2024, 9, 16), grade=9) == "unknown"  # after the season
    assert infer(left_on=date(2024, 5, 31), grade=9) == "unknown"  # before it
    assert infer(left_on=date(2024, 8, 15), grade=8) == "unknown"  # not the last grade
    assert infer(left_on=date(2024, 8, 15), level="vocational", grade=4, last_vocational_grade=4) == "completed"
    assert infer(left_on=date(2024, 8, 15), level="vocational", grade=3, last_vocational_grade=4) == "unknown"


def test_a_preschool_leaver_completes_only_at_school_age() -> None:
    summer = date(2024, 8, 15)
    assert infer(left_on=summer, level="preschool", grade=None, birth_date=date(2017, 12, 31)) == "completed"
    assert infer(left_on=summer, level="preschool", grade=None, birth_date=date(2018, 1, 1)) == "unknown"


def test_moving_up_a_grade_in_the_same_institution_is_no_leaving() -> None:
    assert infer(left_on=date(2024, 8, 31), grade=4, starts_here=[date(2024, 9, 1)]) == ""


def test_age_on_a_day_is_in_full_years() -> None:
    assert age_on(date(2017, 3, 1), date(2024, 2, 29)) == 6
    assert age_on(date(2017, 3, 1), date(2024, 3, 1)) == 7


@pytest.fixture
def world() -> World:
    return build_world(pupils=2)


def pupil_enrolment(world: World) -> Enrolment:
    return Enrolment.objects.filter(group=world.class_1a).order_by("pk").first()  # type: ignore[return-value]


def test_a_given_reason_is_kept_and_an_absent_one_is_inferred(world: World) -> None:
    enrolment = pupil_enrolment(world)
    services.enrolment_leave(enrolment=enrolment, left_on=date(2025, 1, 20), reason="moved_abroad", note="Īrija")
    enrolment.refresh_from_db()
    assert (enrolment.leaving_reason, enrolment.leaving_reason_inferred, enrolment.leaving_note) == (
        "moved_abroad",
        False,
        "Īrija",
    )
    other = Enrolment.objects.filter(group=world.class_1a).order_by("pk").last()
    assert other is not None
    services.enrolment_leave(enrolment=other, left_on=date(2025, 1, 20))
    other.refresh_from_db()
    assert (other.leaving_reason, other.leaving_reason_inferred) == ("unknown", True)


def test_an_inferred_reason_becomes_a_transfer_when_the_next_school_enrols_the_learner(world: World) -> None:
    enrolment = pupil_enrolment(world)
    services.enrolment_leave(enrolment=enrolment, left_on=date(2025, 1, 20))
    services.learner_transfer(
        personal_code=enrolment.learner.personal_code, group=world.other_class, on=date(2025, 2, 3), viewer=WHOLE_CITY
    )
    enrolment.refresh_from_db()
    assert (enrolment.leaving_reason, enrolment.leaving_reason_inferred) == ("transferred", True)


def test_a_reason_without_a_leaving_day_is_refused(world: World) -> None:
    enrolment = pupil_enrolment(world)
    enrolment.leaving_reason = LeavingReason.DROPPED_OUT
    with pytest.raises(ValidationError) as refused:
        services.enrolment_save(enrolment=enrolment)
    assert refused.value.error_dict["leaving_reason"][0].code == "reason_without_leaving"
    assert Enrolment.objects.get(pk=enrolment.pk).leaving_reason == ""


LEARNER_COLUMNS = [
    "personal_code",
    "first_name",
    "last_name",
    "birth_date",
    "declared_municipality",
    "institution",
    "school_year",
    "group",
    "enrolled_on",
    "left_on",
]


def learner_row(world: World, code: str, left_on: str) -> list[str]:
    return [
        code,
        "Anna",
        "Bērziņa",
        "2017-03-15",
        "Daugavpils",
        "9000000011",
        "2024/2025",
        "1.a",
        "2024-09-01",
        left_on,
    ]


def test_the_learners_file_takes_an_optional_leaving_reason_column(tmp_path: Path, world: World) -> None:
    code = learner("Anna", "Bērziņa", date(2017, 3, 15)).personal_code
    second = learner("Ilze", "Kalniņa", date(2017, 4, 2)).personal_code
    without = write_csv(tmp_path / "old.csv", LEARNER_COLUMNS, [learner_row(world, code, "2025-01-10")])
    assert run_import_command("import_registry", "learners", str(without)).status == 0
    assert Enrolment.objects.get(learner__personal_code=code).leaving_reason == "unknown"  # inferred

    rows = [
        [*learner_row(world, code, "2025-01-10"), "moved_municipality"],
        [*learner_row(world, second, "2025-01-12"), ""],
    ]
    outcome = run_import_command(
        "import_registry", "learners", str(write_csv(tmp_path / "new.csv", [*LEARNER_COLUMNS, "leaving_reason"], rows))
    )
    assert outcome.status == 0, outcome.err
    given = Enrolment.objects.get(learner__personal_code=code)
    assert (given.leaving_reason, given.leaving_reason_inferred) == ("moved_municipality", False)
    inferred = Enrolment.objects.get(learner__personal_code=second)
    assert (inferred.leaving_reason, inferred.leaving_reason_inferred) == ("unknown", True)

    # A later file without the column keeps the reason that was given.
    assert run_import_command("import_registry", "learners", str(without)).status == 0
    assert Enrolment.objects.get(learner__personal_code=code).leaving_reason == "moved_municipality"


def test_a_bad_leaving_reason_is_answered_with_its_row_and_column_and_nothing_is_saved(
    tmp_path: Path, world: World
) -> None:
    code = learner("Anna", "Bērziņa", date(2017, 3, 15)).personal_code
    rows = [
        [*learner_row(world, code, "2025-01-10"), "ran_away"],
        [*learner_row(world, code, ""), "dropped_out"],
    ]
    outcome = run_import_command(
        "import_registry", "learners", str(write_csv(tmp_path / "bad.csv", [*LEARNER_COLUMNS, "leaving_reason"], rows))
    )
    assert outcome.status != 0
    assert any(
        line.startswith("row 2, column leaving_reason: “ran_away” is not one of") for line in outcome.error_lines
    )
    assert any(line.startswith("row 3, column leaving_reason:") for line in outcome.error_lines), outcome.err
    assert not Enrolment.objects.filter(learner__personal_code=code).exists()


def test_the_api_takes_a_reason_and_says_when_one_was_inferred(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, institutions=[world.school])
    client = signed_in(head)
    enrolment = pupil_enrolment(world)
    url = f"/api/registry/enrolments/{enrolment.pk}/"
    answer = client.patch(url, {"left_on": "2025-01-20", "version": enrolment.version}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["leaving_reason"], answer.json()["leaving_reason_inferred"]) == ("unknown", True)
    answer = client.patch(
        url,
        {"leaving_reason": "dropped_out", "version": answer.json()["version"]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["leaving_reason"], answer.json()["leaving_reason_inferred"]) == ("dropped_out", False)
    refused = client.patch(
        url, {"leaving_reason": "gone", "version": answer.json()["version"]}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "leaving_reason" in refused.json() or "leaving_reason" in str(refused.json())


def test_only_leavers_with_no_known_destination_are_at_risk(world: World) -> None:
    year = school_year_get_or_create(code="2023/2024")
    basic = Programme.objects.get(code="21011111")
    grade9 = Group.objects.create(institution=world.school, school_year=year, programme=basic, name="9.a", grade=9)
    grade5 = Group.objects.create(institution=world.school, school_year=year, programme=basic, name="5.a", grade=5)
    leavers = {}
    for name, group, left_on, reason in [
        ("graduate", grade9, date(2024, 6, 15), ""),  # completed (inferred)
        ("dropout", grade5, date(2024, 3, 1), "dropped_out"),
        ("vanished", grade5, date(2024, 2, 1), ""),  # unknown (inferred)
        ("emigrant", grade5, date(2024, 1, 10), "moved_abroad"),
        ("mover", grade5, date(2024, 1, 12), ""),  # transferred: enrolled elsewhere below
    ]:
        child = learner("Jānis", name.title(), date(2011, 1, 1) + timedelta(days=len(leavers)))
        leavers[name] = child
        enrolment = Enrolment.objects.create(learner=child, group=group, enrolled_on=date(2023, 9, 1))
        services.enrolment_leave(enrolment=enrolment, left_on=left_on, reason=reason)
    elsewhere = Group.objects.create(institution=world.other_school, school_year=year, programme=basic, name="5.b")
    Enrolment.objects.create(learner=leavers["mover"], group=elsewhere, enrolled_on=date(2024, 1, 15))
    services.enrolment_save(enrolment=Enrolment.objects.get(learner=leavers["mover"], group=elsewhere))

    figures = prevention_figures(as_of=date(2024, 8, 20), visible_to=WHOLE_CITY)

    assert figures["left_without_destination"] == 2  # the dropout and the one who vanished
    assert figures["left_by_reason"] == {
        "completed": 1,
        "transferred": 1,
        "moved_municipality": 0,
        "moved_abroad": 1,
        "dropped_out": 1,
        "other": 0,
        "unknown": 1,
    }
    before_they_left = prevention_figures(as_of=date(2024, 1, 31), visible_to=WHOLE_CITY)
    assert before_they_left["left_without_destination"] == 0
    assert before_they_left["left_by_reason"]["moved_abroad"] == 1


def test_a_school_year_made_for_planning_does_not_move_the_default_date(world: World) -> None:
    with freeze_time("2025-11-26"):
        before = default_as_of()
        school_year_get_or_create(code="2025/2026")  # a self-assessment of the coming year makes it: no groups
        assert default_as_of() == before == date(2024, 9, 1)


def test_a_head_records_a_leaving_on_the_learners_page_and_not_another_schools(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, institutions=[world.school])
    client = signed_in(head)
    enrolment = pupil_enrolment(world)
    page = client.get(enrolment.learner.get_absolute_url())
    url = f"/registry/enrolments/{enrolment.pk}/leave/"
    assert url in page.content.decode()
    assert client.get(url).status_code == 200
    answer = client.post(
        url, {"left_on": "2025-03-03", "leaving_reason": "moved_municipality", "leaving_note": "", "version": 1}
    )
    assert answer.status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.left_on, enrolment.leaving_reason) == (date(2025, 3, 3), "moved_municipality")
    stale = client.post(url, {"left_on": "2025-03-04", "leaving_reason": "", "leaving_note": "", "version": 1})
    assert stale.status_code == 200  # shown again with the refusal, nothing overwritten
    enrolment.refresh_from_db()
    assert enrolment.left_on == date(2025, 3, 3)
    foreign = Enrolment.objects.filter(group=world.other_class).first()
    assert foreign is not None
    assert client.get(f"/registry/enrolments/{foreign.pk}/leave/").status_code == 404


def test_the_api_refuses_a_reason_without_a_leaving_day_and_changes_nothing(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, institutions=[world.school]))
    enrolment = pupil_enrolment(world)
    answer = client.patch(
        f"/api/registry/enrolments/{enrolment.pk}/",
        {"leaving_reason": "dropped_out", "version": enrolment.version},
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["error_codes"]["leaving_reason"] == ["reason_without_leaving"]
    assert Enrolment.objects.get(pk=enrolment.pk).leaving_reason == ""

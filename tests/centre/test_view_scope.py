"""The centre's pages take their scope from the base helpers: another centre's staff are answered 404 on a
booking, an activity, a competition's matches and a course's attendance, exactly as for a missing row, and change
nothing there; a course list's filter offers only the courses of the participants the viewer may see; the
competition certificates (the children's names) write one audit entry with the number of names printed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.centre.models import Booking, BookingStatus
from eduboard.competitions.models import Competition, Team
from eduboard.courses.models import Course, Participant
from eduboard.registry.models import Institution
from tests.centre.test_innovation import make_centre, make_slot
from tests.competitions.test_competitions import add_teams, centre_and_competition
from tests.factories import InstitutionFactory, UserFactory
from tests.support.pages import RefusesChanges

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@dataclass
class Centres:
    centre: Institution
    other: Institution
    booking: Booking
    competition: Competition


@pytest.fixture
def world() -> Centres:
    centre = make_centre()
    slot = make_slot(centre)
    booking = Booking.objects.create(
        slot=slot, school_name="Krāslavas vidusskola", municipality="Krāslavas novads", contact_name="Anna",
        email="anna@example.lv", phone="+37120000000", group_size=12, grade="5", language="lv", token="scope-test",
    )  # fmt: skip
    _its_centre, competition = centre_and_competition("mini_sumo", "line_follower")
    add_teams(competition, "mini_sumo", 2)
    Competition.objects.filter(pk=competition.pk).update(centre=centre)  # the booking's centre holds it too
    return Centres(centre, InstitutionFactory(name="Cits centrs", type="innovation_centre"), booking, competition)


class TestCentrePages(RefusesChanges):
    """Another centre's staff: a booking, an activity, a competition's pages; a booking's status changed."""

    role = Role.CENTRE_STAFF

    def institutions(self, world: Centres) -> tuple[Institution, Institution]:
        return world.centre, world.other

    def pages(self, world: Centres) -> list[str]:
        competition = world.competition.pk
        return [
            reverse("innovation:booking_detail", args=[world.booking.pk]),
            reverse("innovation:activity_edit", args=[world.booking.slot.activity_id]),
            reverse("competitions:competition_edit", args=[competition]),
            reverse("competitions:competition_matches", args=[competition, "mini_sumo"]),
            reverse("competitions:competition_attempts", args=[competition, "line_follower"]),
            reverse("competitions:competition_certificates", args=[competition]),
        ]

    def posts(self, world: Centres) -> list[tuple[str, dict[str, object]]]:
        change = {"status": BookingStatus.CANCELLED, "version": world.booking.version}
        return [(reverse("innovation:booking_status", args=[world.booking.pk]), change)]

    def state(self, world: Centres) -> object:
        return Booking.objects.filter(pk=world.booking.pk).values_list("status", "version").get()


def test_the_participant_filter_offers_only_the_courses_the_viewer_may_see(
    signed_in: Callable[[User], Client],
) -> None:
    centre = make_centre()
    school, other_school = InstitutionFactory(name="Skola A"), InstitutionFactory(name="Skola B")
    courses = []
    for code, participant_school in (("mine-2025", school), ("theirs-2025", other_school)):
        course = Course.objects.create(
            centre=centre,
            code=code,
            title=f"Kurss {code}",
            hours=8,
            starts_on=date(2025, 10, 1),
            ends_on=date(2025, 10, 1) + timedelta(days=7),
            places=10,
            lecturer="Jānis",
        )
        Participant.objects.create(
            course=course, name="Skolotāja", school=participant_school, school_name=participant_school.name
        )
        courses.append(course)
    head = signed_in(UserFactory(role=Role.INSTITUTION_HEAD, institutions=[school]))
    page = head.get(reverse("courses:course_participant_list"))
    assert page.status_code == 200
    offered = [value for value, _label in page.context["filter"].form.fields["course"].choices if value]
    assert offered == [courses[0].pk]
    assert [row.course_id for row in page.context["object_list"]] == [courses[0].pk]
    # The course of another school's teacher is not a filter the head may use: it shows nothing of it.
    asked = head.get(reverse("courses:course_participant_list"), {"course": courses[1].pk})
    assert list(asked.context["object_list"]) == []


def test_the_competition_certificates_write_one_audit_entry_with_the_children_named(
    signed_in: Callable[[User], Client],
) -> None:
    centre, competition = centre_and_competition("line_follower")
    staff_user = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    _first, second = add_teams(competition, "line_follower", 2)  # two members each
    Team.objects.filter(pk=second.pk).update(members=[{"name": "Ēriks", "age": 14}, {"age": 12}])  # one named
    answer = signed_in(staff_user).get(reverse("competitions:competition_certificates", args=[competition.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    team_type = ContentType.objects.get_for_model(Team)
    [entry] = LogEntry.objects.filter(content_type=team_type, action=LogEntry.Action.ACCESS)
    assert entry.actor == staff_user
    assert (entry.additional_data["read"], entry.additional_data["rows"]) == ("bulk", 3)

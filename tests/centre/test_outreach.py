"""Outreach and audiences (issue 44, point 1): a visit takes place at the centre or is taken outside (a mobile lab,
a travelling exhibition) to a school or another address with the module's equipment; visitors are counted by kind;
`innovation_stats visits` adds `visitors_by_kind` and `outreach_visits` and changes no key; the visits file takes
the optional columns `place` and `adults` without breaking today's files."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.centre.importers import VisitImporter
from eduboard.centre.models import AgeBand, Visit
from eduboard.core.imports import ImportFailed
from tests.centre.test_innovation import make_centre, make_slot, write
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

#: The keys `innovation_stats visits` printed before issue 44: none may change.
KEYS_BEFORE = {
    "from", "to", "visits", "visitors", "visitors_by_age_band", "visits_by_module", "visits_by_municipality",
    "schools_reached", "bookings_by_status", "occupancy_percent", "points_total",
}  # fmt: skip
TODAYS_FILE = (
    "activity,date,school,municipality,grade,learners,teachers,age_band\n"
    "robo,2025-10-14,Krāslavas Varavīksnes vidusskola,Krāslavas novads,5,22,2,10-15\n"
)


def stats(day_from: str = "2025-10-01", day_to: str = "2025-10-31") -> dict[str, object]:
    out = StringIO()
    call_command("innovation_stats", "visits", "--from", day_from, "--to", day_to, stdout=out)
    return json.loads(out.getvalue())


def test_an_outside_visit_names_its_place_and_a_visit_at_the_centre_names_none() -> None:
    centre = make_centre()
    visit = Visit(centre=centre, date=date(2025, 10, 14), learners=20, place="outside")
    with pytest.raises(ValidationError) as refused:
        visit.full_clean()
    assert "place_name" in refused.value.message_dict
    visit.place, visit.place_name = "centre", "Naujenes pamatskola"
    with pytest.raises(ValidationError) as refused:
        visit.full_clean()
    assert "place_name" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        Visit.objects.create(centre=centre, date=date(2025, 10, 14), place="outside", place_name="")


def test_the_figures_count_every_kind_of_visitor_and_the_visits_taken_outside() -> None:
    centre = make_centre()
    band = AgeBand.objects.get(code="3-7")
    Visit.objects.create(
        centre=centre, kind="walk_in", date=date(2025, 10, 11), learners=34, parents=21, seniors=6, other_adults=5,
        children_under_school_age=11, age_band=band,
    )  # fmt: skip
    Visit.objects.create(
        centre=centre, kind="event", date=date(2025, 10, 20), learners=46, teachers=3, place="outside",
        place_name="Krāslavas Varavīksnes vidusskola", equipment_taken="12 mikroskopi",
    )  # fmt: skip
    Visit.objects.create(centre=centre, date=date(2025, 11, 2), learners=9, place="outside", place_name="Naujene")
    figures = stats()
    assert set(figures) >= KEYS_BEFORE and set(figures) - KEYS_BEFORE == {"visitors_by_kind", "outreach_visits"}
    assert figures["visitors_by_kind"] == {
        "learners": 80, "teachers": 3, "parents": 21, "seniors": 6, "other_adults": 5,
        "children_under_school_age": 11,
    }  # fmt: skip
    assert figures["visitors"] == 80 + 3 + 21 + 6 + 5 + 11
    assert figures["visitors_by_age_band"]["3-7"] == 34 + 21 + 6 + 5 + 11
    assert (figures["visits"], figures["outreach_visits"]) == (2, 1)  # the November one is outside the period


def test_todays_visits_file_imports_as_before_and_the_new_columns_set_place_and_adults(tmp_path: Path) -> None:
    centre = make_centre()
    make_slot(centre)  # the activity `robo`
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    assert VisitImporter(viewer=staff).run(write(tmp_path, TODAYS_FILE)).created == 1
    visit = Visit.objects.get()
    assert (visit.place, visit.place_name, visit.other_adults) == ("centre", "", 0)
    taken_out = TODAYS_FILE.replace("age_band\n", "age_band,place,adults\n").replace("10-15\n", "10-15,outside,4\n")
    assert VisitImporter(viewer=staff).run(write(tmp_path, taken_out)).updated == 1
    visit.refresh_from_db()
    assert (visit.place, visit.place_name, visit.other_adults) == ("outside", "Krāslavas Varavīksnes vidusskola", 4)
    # today's file again: the columns it does not have leave what they set
    assert VisitImporter(viewer=staff).run(write(tmp_path, TODAYS_FILE)).unchanged == 1
    visit.refresh_from_db()
    assert (visit.place, visit.other_adults) == ("outside", 4)
    bad = (
        taken_out.replace("outside,4", "school,4")
        + "robo,2025-10-15,Preiļu 1. pamatskola,Preiļu novads,6,20,2,10-15,,-1\n"
    )
    with pytest.raises(ImportFailed) as refused:
        VisitImporter(viewer=staff).run(write(tmp_path, bad))
    assert [(error.row, error.column) for error in refused.value.errors] == [(2, "place"), (3, "adults")]


def test_the_centre_records_a_mobile_lab_at_a_school_on_the_page(
    signed_in: Callable[[User], Client],
) -> None:
    centre = make_centre()
    staff = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[centre]))
    form = {
        "kind": "event", "date": "2025-10-20", "learners": "46", "teachers": "3", "parents": "0", "seniors": "0",
        "other_adults": "2", "children_under_school_age": "0", "place": "outside", "place_name": "",
    }  # fmt: skip
    page = staff.post("/innovation/visits/new/", form)
    assert page.status_code == 200 and not Visit.objects.exists()  # no place named: refused, what was typed kept
    assert 'value="46"' in page.content.decode()
    form["place_name"] = "Krāslavas Varavīksnes vidusskola"
    form["equipment_taken"] = "Mobilā laboratorija: 12 mikroskopi"
    assert staff.post("/innovation/visits/new/", form).status_code == 302
    visit = Visit.objects.get()
    assert (visit.place, visit.other_adults, visit.equipment_taken) == (
        "outside",
        2,
        "Mobilā laboratorija: 12 mikroskopi",
    )
    listed = staff.get("/innovation/visits/?place=outside").content.decode()
    assert "Krāslavas Varavīksnes vidusskola" in listed and ">51<" in listed  # 46 + 3 + 2 visitors in all

"""Innovation centre file formats (all or nothing, idempotent):

- activities: `code,kind,module,age_bands,duration_min,places,languages,title_lv,title_en,title_ru` (age bands and
  languages `;`-separated, e.g. `7-10;10-15`, `lv;ru`); key: code. The activity is the centre's in the importer's
  scope (its one innovation centre).
- slots: `activity,date,start,end,room,places` (times `HH:MM`); key: activity, date, start.
- visits: `activity,date,school,municipality,grade,learners,teachers,age_band` (the school by name: visitors come
  from outside the city too); key: activity, date, school.
- events: `title,starts_at,ends_at,place,organiser,audience,public`; key: title and start.
- course_attendance: `course,personal_code_or_name,school,session_date,present` (innovation.course_importers).
- teams: `competition,discipline,team,school,robot,members,coach_email` (members `Anna (12); Pēteris (13)`); key:
  competition, discipline, team.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, time
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.assets.models import Room
from eduboard.centre.choices import DURATION_MAX, DURATION_MIN, LANGUAGES, ActivityKind, VisitKind, VisitPlace
from eduboard.centre.models import Activity, AgeBand, Module, Slot, Visit
from eduboard.centre.rules import slot_places_problem
from eduboard.centre.selectors import school_key
from eduboard.core.imports import (
    ImportFailed,
    ImportResult,
    RowError,
    RowProblem,
    ScopedImporter,
    parse_choice,
    parse_date,
    parse_int,
    parse_required,
    parse_text,
)
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


def parse_time(values: dict[str, str], column: str) -> time:
    value = values.get(column, "")
    match = TIME.match(value)
    if match is None:
        raise RowProblem(column, _("“%s” is not a time written HH:MM") % value)
    return time(int(match.group(1)), int(match.group(2)))


def parse_list(values: dict[str, str], column: str, allowed: list[str]) -> list[str]:
    parts = [part.strip() for part in values.get(column, "").split(";") if part.strip()]
    if not parts:
        raise RowProblem(column, _("one or more of %s, separated by ;") % "|".join(allowed))
    unknown = [part for part in parts if part not in allowed]
    if unknown:
        raise RowProblem(
            column,
            _("“%(value)s” is not one of %(allowed)s")
            % {
                "value": ";".join(unknown),
                "allowed": "|".join(allowed),
            },
        )
    return list(dict.fromkeys(parts))


class CentreImporter(ScopedImporter):
    """Looks the centre, modules, age bands and activities up once per pass."""

    def prepare(self) -> None:
        centres = Institution.objects.active_now().filter(type=InstitutionType.INNOVATION_CENTRE)
        allowed = [pk for pk in centres.order_by("pk").values_list("pk", flat=True) if self.institution_allowed(pk)]
        self.centre_id = allowed[0] if len(allowed) == 1 else None
        self.modules = dict(Module.objects.values_list("code", "pk"))
        self.bands = dict(AgeBand.objects.values_list("code", "pk"))
        self.activities = {
            code: (pk, centre) for code, pk, centre in Activity.objects.values_list("code", "pk", "centre_id")
        }

    def activity_id(self, values: dict[str, str]) -> int:
        code = parse_required(values, "activity", max_length=40)
        found = self.activities.get(code)
        if found is None:
            raise RowProblem("activity", _("no activity %s: import the activities first") % code)
        if not self.institution_allowed(found[1]):
            raise RowProblem("activity", _("activity %s is not your centre's") % code)
        return found[0]


@dataclass(frozen=True)
class ActivityRow:
    code: str
    values: tuple[tuple[str, Any], ...]
    age_bands: tuple[str, ...]


class ActivityImporter(CentreImporter):
    kind = "activities"
    title = gettext_lazy("Innovation centre activities")
    permission = "innovation.add_activity"
    columns: ClassVar[list[str]] = [
        "code",
        "kind",
        "module",
        "age_bands",
        "duration_min",
        "places",
        "languages",
        "title_lv",
        "title_en",
        "title_ru",
    ]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "code": gettext_lazy("the activity's code (letters, digits, -); a row with a known code updates it"),
        "kind": "|".join(ActivityKind.values),
        "module": "physics_robotics|health_genetics|ecology|entrepreneurship",
        "age_bands": gettext_lazy("3-7|7-10|10-15|15-19|19-25, several separated by ; (e.g. 7-10;10-15)"),
        "duration_min": format_lazy(gettext_lazy("minutes, {low}–{high}"), low=DURATION_MIN, high=DURATION_MAX),
        "places": gettext_lazy("places in one session (a whole number)"),
        "languages": gettext_lazy("lv|ru|en, several separated by ; (e.g. lv;ru)"),
        "title_lv": gettext_lazy("the title in Latvian"),
        "title_en": gettext_lazy("in English (optional)"),
        "title_ru": gettext_lazy("in Russian (optional)"),
    }
    example: ClassVar[list[str]] = [
        "robotika-7-10",
        "workshop",
        "physics_robotics",
        "7-10;10-15",
        "90",
        "24",
        "lv;ru",
        "Robotikas darbnīca",
        "Robotics workshop",
        "Мастерская робототехники",
    ]

    def parse(self, values: dict[str, str]) -> ActivityRow:
        if self.centre_id is None:
            raise RowProblem("code", _("your scope holds no single innovation centre to import activities for"))
        code = parse_required(values, "code", max_length=40)
        if not re.fullmatch(r"[A-Za-z0-9_-]+", code):
            raise RowProblem("code", _("“%s” may hold only letters, digits, “-” and “_”") % code)
        found = self.activities.get(code)
        if found is not None and found[1] != self.centre_id:
            raise RowProblem("code", _("activity %s is another centre's") % code)
        module = parse_choice(values, "module", list(self.modules))
        bands = parse_list(values, "age_bands", list(self.bands))
        languages = parse_list(values, "languages", list(LANGUAGES))
        fields = {
            "kind": parse_choice(values, "kind", ActivityKind.values),
            "module_id": self.modules[module],
            "duration_min": parse_int(values, "duration_min", minimum=DURATION_MIN, maximum=DURATION_MAX),
            "places": parse_int(values, "places", minimum=1, maximum=1000),
            "languages": ";".join(code for code in LANGUAGES if code in languages),
            "title_lv": parse_required(values, "title_lv", max_length=200),
            "title_en": parse_text(values, "title_en", max_length=200),
            "title_ru": parse_text(values, "title_ru", max_length=200),
        }
        return ActivityRow(code, tuple(fields.items()), tuple(sorted(bands)))

    def key(self, record: ActivityRow) -> Hashable:
        return record.code

    def describe(self, record: ActivityRow) -> str:
        return record.code

    def write(self, records: list[ActivityRow], result: ImportResult) -> None:
        for record in records:
            values = dict(record.values)
            bands = [self.bands[code] for code in record.age_bands]
            found = Activity.objects.select_for_update().filter(code=record.code).first()
            if found is None:
                activity = Activity.objects.create(centre_id=self.centre_id or 0, code=record.code, **values)
                activity.age_bands.set(bands)
                self.activities[record.code] = (activity.pk, activity.centre_id)
                self.counted(result, "created", record, label=activity)
                continue
            related = {}
            had = sorted(found.age_bands.values_list("code", flat=True))
            if had != list(record.age_bands):
                related["age_bands"] = (";".join(had), ";".join(record.age_bands))
                found.age_bands.set(bands)
            self.write_changes(result, record, found, values, related=related)


@dataclass(frozen=True)
class SlotRow:
    activity_id: int
    date: date
    start: time
    end: time
    room: str
    places: int


class SlotImporter(CentreImporter):
    kind = "slots"
    title = gettext_lazy("Innovation centre slots")
    permission = "innovation.add_slot"
    columns: ClassVar[list[str]] = ["activity", "date", "start", "end", "room", "places"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "activity": gettext_lazy("the activity's code"),
        "date": "YYYY-MM-DD",
        "start": "HH:MM",
        "end": gettext_lazy("HH:MM, after the start"),
        "room": gettext_lazy("the room (optional)"),
        "places": gettext_lazy("places offered (a whole number; not below the places booked already)"),
    }
    example: ClassVar[list[str]] = ["robotika-7-10", "2025-10-14", "10:00", "11:30", "Robotikas zāle", "24"]

    def parse(self, values: dict[str, str]) -> SlotRow:
        activity_id = self.activity_id(values)
        day = parse_date(values, "date")
        start, end = parse_time(values, "start"), parse_time(values, "end")
        if end <= start:
            raise RowProblem("end", _("a slot ends after it starts"))
        assert day is not None  # noqa: S101  # required above
        return SlotRow(
            activity_id,
            day,
            start,
            end,
            parse_text(values, "room", max_length=80),
            parse_int(values, "places", minimum=1, maximum=1000) or 1,
        )

    def key(self, record: SlotRow) -> Hashable:
        return (record.activity_id, record.date, record.start)

    def describe(self, record: SlotRow) -> str:
        return f"{record.date} {record.start:%H:%M}"

    def write(self, records: list[SlotRow], result: ImportResult) -> None:
        """Each record written (`write_slot`); a row the stored data refuses (places below those booked, a room held
        at that time) fails the whole file with its row named, and nothing is saved."""
        rooms: dict[tuple[int, str], int | None] = {}
        activities = Activity.objects.only("pk", "code", "centre_id").in_bulk({r.activity_id for r in records})
        for record in records:
            try:
                self.write_slot(record, result, rooms, activities[record.activity_id])
            except RowProblem as problem:
                row = self._chunk_rows.get(id(record), 0)
                raise ImportFailed([RowError(row, problem.column, problem.message)]) from None

    def write_slot(
        self, record: SlotRow, result: ImportResult, rooms: dict[tuple[int, str], int | None], activity: Activity
    ) -> None:
        """One slot created or changed (its activity read once per chunk); the room it names, when it is one of the
        centre's, is booked for its time and named as the centre names it."""
        room_key = (activity.centre_id, record.room.casefold())
        if room_key not in rooms:  # a room of the centre's by that name is booked for the slot's time
            rooms[room_key] = (
                Room.objects.filter(institution_id=activity.centre_id, name__iexact=record.room)
                .values_list("pk", flat=True)
                .first()
                if record.room
                else None
            )
        values = {"end": record.end, "room": record.room, "places": record.places, "space_id": rooms[room_key]}
        found = (
            Slot.objects.select_for_update()
            .filter(activity_id=record.activity_id, date=record.date, start=record.start)
            .first()
        )
        slot = found or Slot(activity=activity, date=record.date, start=record.start)
        slot.activity = activity
        if found is not None:
            problem = slot_places_problem(places=record.places, booked=found.booked)
            if problem is not None:
                raise RowProblem("places", problem)
        self._book_room(slot, values)
        if found is None:
            for name, value in values.items():
                setattr(slot, name, value)
            slot.save()
            self.counted(result, "created", record, label=slot)
            return
        self.write_changes(result, record, found, values)

    @staticmethod
    def _book_room(slot: Slot, values: dict[str, Any]) -> None:
        """The room named is taken for the slot's time as the page takes it (`services.slot_room_book`)."""
        from eduboard.centre.services import slot_room_book

        trial = Slot(pk=slot.pk, activity=slot.activity, date=slot.date, start=slot.start, end=values["end"],
                     space_id=values["space_id"], room=values["room"])  # fmt: skip
        try:
            slot_room_book(slot=trial)
        except ValidationError as error:
            raise RowProblem("room", " ".join(error.messages)) from None
        values["room"] = trial.room  # the room's own name, as the page writes it


@dataclass(frozen=True)
class VisitRow:
    activity_id: int
    date: date
    school: str
    values: tuple[tuple[str, Any], ...]


class VisitImporter(CentreImporter):
    kind = "visits"
    title = gettext_lazy("Innovation centre visits")
    permission = "innovation.add_visit"
    columns: ClassVar[list[str]] = [
        "activity",
        "date",
        "school",
        "municipality",
        "grade",
        "learners",
        "teachers",
        "age_band",
        "place",
        "adults",
    ]
    #: Added later: a file without them imports as before, and a visit already there keeps what they set.
    optional_columns: ClassVar[frozenset[str]] = frozenset({"place", "adults"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "activity": gettext_lazy("the activity's code"),
        "date": "YYYY-MM-DD",
        "school": gettext_lazy("the school's name (a city school's name links it)"),
        "municipality": gettext_lazy("the school's municipality"),
        "grade": gettext_lazy("grade or grades (e.g. 7 or 5-6)"),
        "learners": gettext_lazy("learners who came"),
        "teachers": gettext_lazy("teachers who came"),
        "age_band": "3-7|7-10|10-15|15-19|19-25",
        "place": gettext_lazy("centre|outside (outside: taken to the school named; empty: centre)"),
        "adults": gettext_lazy("adults who came besides the teachers (other adults; empty: 0)"),
    }
    example: ClassVar[list[str]] = [
        "robotika-7-10",
        "2025-10-14",
        "Krāslavas Varavīksnes vidusskola",
        "Krāslavas novads",
        "5",
        "22",
        "2",
        "10-15",
        "centre",
        "0",
    ]

    def prepare(self) -> None:
        super().prepare()
        self.schools = {school_key(name): pk for name, pk in Institution.objects.values_list("name", "pk")}
        self.activity_modules = dict(Activity.objects.values_list("pk", "module_id"))

    def parse(self, values: dict[str, str]) -> VisitRow:
        activity_id = self.activity_id(values)
        day = parse_date(values, "date")
        assert day is not None  # noqa: S101  # required above
        school = " ".join(parse_required(values, "school", max_length=200).split())
        band = parse_choice(values, "age_band", list(self.bands))
        fields = {
            "school_id": self.schools.get(school_key(school)),
            "municipality": parse_required(values, "municipality", max_length=120),
            "grade": parse_text(values, "grade", max_length=20),
            "learners": parse_int(values, "learners", minimum=0, maximum=10000),
            "teachers": parse_int(values, "teachers", minimum=0, maximum=1000),
            "age_band_id": self.bands[band],
            "module_id": self.activity_modules.get(activity_id),
        }
        if "place" in values:  # a visit taken out went to the school that came (a mobile lab, an exhibition)
            place = parse_choice(values, "place", VisitPlace.values, default=VisitPlace.CENTRE)
            fields["place"] = place
            fields["place_name"] = school if place == VisitPlace.OUTSIDE else ""
        if "adults" in values:
            fields["other_adults"] = parse_int(values, "adults", required=False, minimum=0, maximum=10000) or 0
        return VisitRow(activity_id, day, school, tuple(fields.items()))

    def key(self, record: VisitRow) -> Hashable:
        return (record.activity_id, record.date, school_key(record.school))

    def describe(self, record: VisitRow) -> str:
        return f"{record.date} {record.school}"

    def write(self, records: list[VisitRow], result: ImportResult) -> None:
        centres = dict(Activity.objects.values_list("pk", "centre_id"))
        for record in records:
            values = dict(record.values)
            candidates = Visit.objects.select_for_update().filter(activity_id=record.activity_id, date=record.date)
            found = next((v for v in candidates if school_key(v.school_name) == school_key(record.school)), None)
            if found is None:
                visit = Visit.objects.create(
                    centre_id=centres[record.activity_id],
                    kind=VisitKind.BOOKED,
                    activity_id=record.activity_id,
                    date=record.date,
                    school_name=record.school,
                    **values,
                )
                self.counted(result, "created", record, label=visit)
                continue
            self.write_changes(result, record, found, values)


IMPORTERS: dict[str, type[ScopedImporter]] = {
    importer.kind: importer for importer in (ActivityImporter, SlotImporter, VisitImporter)
}

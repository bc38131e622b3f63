"""Figures of the innovation centre for a period (`innovation_stats visits`, `/api/innovation/stats/`): a handful of
grouped queries whatever the number of rows; scoped to the viewer's centre (the board: every centre)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from eduboard.assets.models import Room
from eduboard.centre.choices import HOLDING, BookingStatus, PartnerKind, ProgrammeKind, VisitPlace
from eduboard.centre.models import (
    AgeBand,
    Booking,
    Card,
    CentrePartner,
    Fair,
    Module,
    PointEntry,
    ProgrammeEvent,
    Slot,
    StudentCompany,
    Visit,
)
from eduboard.centre.rules import (
    VISITOR_KINDS,
    overlapping_condition,
    slot_fits_condition,
    slot_not_begun_condition,
    term_of,
    visitors_expression,
    visitors_of,
)
from eduboard.core.numbers import percent
from eduboard.core.scope import Viewer
from eduboard.projects.models import Project
from eduboard.projects.selectors import running_during
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution


def school_key(name: str) -> str:
    """A school's name as it is counted: case and spacing do not make two schools."""
    return " ".join(name.casefold().split())


def innovation_figures(*, date_from: date, date_to: date, visible_to: Viewer) -> dict[str, Any]:
    """- `visits`: visits (booked, walk-in and events) on days from `date_from` to `date_to`;
    - `visitors`: their visitors of every kind (`rules.visitors_of`); `visitors_by_kind` {kind: visitors} (every
      kind of `choices.VisitorKind`); `visitors_by_age_band` {band: visitors} (every band, 0 where none);
    - `outreach_visits`: the visits taken outside the centre (to a school or another address);
    - `visits_by_module` {module code: visits}; `visits_by_municipality` {municipality: visits} (those named);
    - `schools_reached`: distinct schools among the visits (by name, case and spacing aside);
    - `bookings_by_status` {status: bookings of slots in the period} (every status);
    - `occupancy_percent`: places booked ÷ places offered in the period's slots, 2 decimals (None: no slots);
    - `points_total`: points recorded on cards in the period."""
    visits = Visit.objects.visible_to(visible_to).filter(date__gte=date_from, date__lte=date_to).order_by()
    totals = visits.aggregate(
        n=Count("pk"),
        outside=Count("pk", filter=Q(place=VisitPlace.OUTSIDE)),
        **{kind: Sum(kind) for kind in VISITOR_KINDS},
    )
    by_kind = {kind: totals[kind] or 0 for kind in VISITOR_KINDS}
    by_band = dict.fromkeys(AgeBand.objects.values_list("code", flat=True), 0)
    for code, visitors in (
        visits.filter(age_band__isnull=False)
        .values_list("age_band__code")
        .annotate(visitors=Sum(visitors_expression()))
        .values_list("age_band__code", "visitors")
    ):
        by_band[code] = visitors or 0
    by_module = dict.fromkeys(Module.objects.values_list("code", flat=True), 0)
    for code, n in (
        visits.filter(module__isnull=False)
        .values_list("module__code")
        .annotate(n=Count("pk"))
        .values_list("module__code", "n")
    ):
        by_module[code] = n
    by_municipality = dict(
        visits.exclude(municipality="")
        .values_list("municipality")
        .annotate(n=Count("pk"))
        .values_list("municipality", "n")
        .order_by("municipality")
    )
    schools = {school_key(name) for name in visits.exclude(school_name="").values_list("school_name", flat=True)}
    statuses = dict.fromkeys(BookingStatus.values, 0)
    for status, n in (
        Booking.objects.visible_to(visible_to)
        .filter(slot__date__gte=date_from, slot__date__lte=date_to)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    ):
        statuses[status] = n
    places = (
        Slot.objects.visible_to(visible_to)
        .filter(date__gte=date_from, date__lte=date_to)
        .aggregate(offered=Sum("places"), booked=Sum("booked"))
    )
    points = (
        PointEntry.objects.visible_to(visible_to)
        .filter(recorded_at__date__gte=date_from, recorded_at__date__lte=date_to)
        .aggregate(total=Sum("points"))["total"]
    )
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "visits": totals["n"] or 0,
        "visitors": visitors_of(by_kind),
        "visitors_by_age_band": by_band,
        "visitors_by_kind": by_kind,
        "outreach_visits": totals["outside"],
        "visits_by_module": by_module,
        "visits_by_municipality": by_municipality,
        "schools_reached": len(schools),
        "bookings_by_status": statuses,
        "occupancy_percent": percent(places["booked"] or 0, places["offered"]) if places["offered"] else None,
        "points_total": points or 0,
    }


def published_activities(
    *, module: str | None = None, age_band: str | None = None, language: str | None = None, on: date | None = None
) -> Any:
    """The public catalogue: published activities (any reader, signed in or not), filtered by module code, age
    band code, language and a day with slots, in the catalogue's order."""
    from eduboard.centre.models import Activity

    activities = Activity.objects.filter(published=True)
    if module:
        activities = activities.filter(module__code=module)
    if age_band:
        activities = activities.filter(age_bands__code=age_band)
    if language:
        activities = activities.filter(languages__contains=language)
    if on:
        activities = activities.filter(slots__date=on)
    return (
        activities.distinct()
        .select_related("module")
        .prefetch_related("age_bands")
        .order_by("module__position", "code")
    )


def catalogue_activities(
    *,
    now: datetime,
    module: str | None = None,
    age_band: str | None = None,
    language: str | None = None,
    on: date | None = None,
) -> Any:
    """The public catalogue (`published_activities`, filtered alike), each activity with its free times, in the
    same one query: `next_free_date` and `next_free_start`, the first slot not begun at `now` with a free place
    (`slot_fits_condition`, a group of one) or None, and `has_times`, whether it has any slot not begun, free or
    full (full: the waiting list). With `on`, only that day's slots count."""
    times = Slot.objects.filter(slot_not_begun_condition(now), activity=OuterRef("pk"))
    if on:
        times = times.filter(date=on)
    free = times.filter(slot_fits_condition()).order_by("date", "start")
    return published_activities(module=module, age_band=age_band, language=language, on=on).annotate(
        next_free_date=Subquery(free.values("date")[:1]),
        next_free_start=Subquery(free.values("start")[:1]),
        has_times=Exists(times),
    )


def open_slots(*, activity_id: int, now: datetime, limit: int = 60) -> list[Slot]:
    """An activity's slots that have not begun at `now` (the ones a teacher may still book or wait for), first
    first."""
    slots = Slot.objects.filter(slot_not_begun_condition(now), activity_id=activity_id).order_by("date", "start")
    return list(slots[:limit])


def leaderboards(*, date_from: date, date_to: date, visible_to: Viewer, top: int = 20) -> dict[str, list[Any]]:
    """Points recorded in a period on cards given to a school: the `top` schools and the `top` classes (cards
    name no one)."""
    entries = (
        PointEntry.objects.visible_to(visible_to)
        .filter(recorded_at__date__gte=date_from, recorded_at__date__lte=date_to)
        .exclude(card__school_name="")
    )
    schools = entries.values("card__school_name").annotate(total=Sum("points"))
    classes = entries.values("card__school_name", "card__class_label").annotate(total=Sum("points"))
    return {
        "schools": list(schools.order_by("-total", "card__school_name")[:top]),
        "classes": list(classes.order_by("-total", "card__school_name", "card__class_label")[:top]),
    }


def user_centre(*, viewer: Viewer) -> Institution | None:
    """The innovation centre a user works for: the first one they may change (the board: the city's first), or
    None when their scope holds none. New activities, competitions, courses and materials are that centre's."""
    centres = Institution.objects.editable_by(viewer).filter(type=InstitutionType.INNOVATION_CENTRE)
    centre: Institution | None = centres.order_by("pk").first()
    return centre


def _term_share_key(name: str) -> str:
    """A school's name as the term share counts it: letters and digits only, case aside ("X vidusskola." and
    "x  Vidusskola" are one school)."""
    return "".join(character for character in name.casefold() if character.isalnum())


def school_term_places(*, centre_id: int, day: date, school: Institution | None, school_name: str) -> tuple[int, int]:
    """(the places a school holds, the places its centre offers) in the term of `day`: the slots of the centre's
    published activities in the term; the school's confirmed and attended bookings of them, the school known by
    its link to the registry or by its name (case, spaces and punctuation aside)."""
    first, last = term_of(day)
    slots = Slot.objects.filter(activity__centre_id=centre_id, activity__published=True, date__range=(first, last))
    offered = int(slots.aggregate(total=Sum("places"))["total"] or 0)
    key = _term_share_key(school_name)
    held = sum(
        size
        for school_id, name, size in Booking.objects.filter(slot__in=slots, status__in=HOLDING).values_list(
            "school_id", "school_name", "group_size"
        )
        if (school is not None and school_id == school.pk) or _term_share_key(name) == key
    )
    return held, offered


def day_places(*, centre_id: int, day: date) -> tuple[int, int]:
    """(the places the public page confirmed at once, the places offered) on a day of visits: the slots of the
    centre's published activities that day, their places, and the group sizes of their bookings the page confirmed
    without the centre that still hold places (confirmed or attended)."""
    slots = Slot.objects.filter(activity__centre_id=centre_id, activity__published=True, date=day)
    offered = slots.aggregate(total=Sum("places"))["total"]
    held = Booking.objects.filter(slot__in=slots, status__in=HOLDING, confirmed_at_once=True).aggregate(
        total=Sum("group_size")
    )["total"]
    return int(held or 0), int(offered or 0)


def card_total(*, card: Card) -> int:
    """The points recorded on a card."""
    return int(PointEntry.objects.filter(card=card).aggregate(total=Sum("points"))["total"] or 0)


def running_in(*, first: str, last: str, date_from: date, date_to: date) -> Q:
    """Rows that run on some day from `date_from` to `date_to`: begun by the period's last day (`first` empty:
    since ever) and not ended before its first (`last` empty: still running). The rule of student companies and
    partners; a project's is the projects area's (`projects.selectors.running_during`)."""
    return (Q(**{f"{first}__isnull": True}) | Q(**{f"{first}__lte": date_to})) & (
        Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__gte": date_from})
    )


def centre_projects(*, visible_to: Viewer) -> Any:
    """The projects an innovation centre takes part in (the projects area's rows), as the viewer may see them."""
    centres = Institution.objects.visible_to(visible_to).filter(type=InstitutionType.INNOVATION_CENTRE)
    through = Project.institutions.through.objects.filter(institution__in=centres).values("project_id")
    return Project.objects.visible_to(visible_to).filter(pk__in=through)


def programme_figures(*, date_from: date, date_to: date, visible_to: Viewer) -> dict[str, Any]:
    """The centre's programme in a period (`innovation_stats programme`, the readiness report):

    - `student_companies`: student companies running in the period (`running_in`: founded by its last day, not
      closed before its first); `student_company_members`: their members; `schools_with_companies`: their distinct
      schools (by name, case and spacing aside: `school_key`);
    - `fairs`: fairs held in the period; `fair_companies`: the companies' places at them (a company at two fairs
      counts twice);
    - `events_by_kind` {kind: events that began in the period} (every kind of `choices.ProgrammeKind`);
      `event_participants`: their participants of every kind (`rules.visitors_of`); `event_participants_by_kind`
      {kind: participants} (every visitor kind);
    - `partners`: partnerships running in the period; `partners_by_kind` {kind: partners} (every kind);
      `partners_by_country` {ISO country code: partners} (those with any);
    - `projects`: projects of the centre running in the period (`projects.selectors.running_during`: between their
      start and end dates, not closed), `projects_with_partners`: those of them a partner of the centre shares."""
    companies = (
        StudentCompany.objects.visible_to(visible_to)
        .filter(running_in(first="founded_on", last="wound_up_on", date_from=date_from, date_to=date_to))
        .order_by()
    )
    company_rows = list(companies.values_list("school_name", "members"))
    fairs = Fair.objects.visible_to(visible_to).filter(date__gte=date_from, date__lte=date_to).order_by()
    fair_companies = Fair.companies.through.objects.filter(fair__in=fairs).count()
    events = ProgrammeEvent.objects.visible_to(visible_to).filter(starts_on__gte=date_from, starts_on__lte=date_to)
    by_kind = dict.fromkeys(ProgrammeKind.values, 0)
    for kind, n in events.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"):
        by_kind[kind] = n
    sums = events.order_by().aggregate(**{kind: Sum(kind) for kind in VISITOR_KINDS})
    participants = {kind: sums[kind] or 0 for kind in VISITOR_KINDS}
    partners = (
        CentrePartner.objects.visible_to(visible_to)
        .filter(running_in(first="since", last="until", date_from=date_from, date_to=date_to))
        .order_by()
    )
    partner_kinds = dict.fromkeys(PartnerKind.values, 0)
    countries: dict[str, int] = {}
    for kind, country in partners.values_list("kind", "country"):
        partner_kinds[kind] += 1
        countries[str(country)] = countries.get(str(country), 0) + 1
    projects = centre_projects(visible_to=visible_to).filter(running_during(date_from, date_to))
    shared = CentrePartner.projects.through.objects.filter(
        centrepartner__in=CentrePartner.objects.visible_to(visible_to), project__in=projects
    )
    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "student_companies": len(company_rows),
        "student_company_members": sum(members for _school, members in company_rows),
        "schools_with_companies": len({school_key(school) for school, _members in company_rows}),
        "fairs": fairs.count(),
        "fair_companies": fair_companies,
        "events_by_kind": by_kind,
        "event_participants": visitors_of(participants),
        "event_participants_by_kind": participants,
        "partners": sum(partner_kinds.values()),
        "partners_by_kind": partner_kinds,
        "partners_by_country": dict(sorted(countries.items())),
        "projects": projects.count(),
        "projects_with_partners": shared.values("project_id").distinct().count(),
    }


def space_clash(*, space_id: int, day: date, start: time, end: time, other_than: int | None = None) -> Slot | None:
    """The first slot holding a room of the centre at a time overlapping `start`–`end` on `day`
    (`rules.overlapping_condition`), `other_than` a slot itself aside; None when the room is free."""
    slots = Slot.objects.filter(overlapping_condition(day=day, start=start, end=end), space_id=space_id)
    if other_than is not None:
        slots = slots.exclude(pk=other_than)
    clash: Slot | None = slots.select_related("activity").order_by("start").first()
    return clash


def rooms_with_coming_slots(*, centre: Institution, today: date, visible_to: Viewer) -> list[tuple[Any, int]]:
    """The centre's rooms (assets area) the viewer may read, each with the slots that hold it from `today` on (two
    queries)."""
    rooms = list(Room.objects.visible_to(visible_to).filter(institution=centre).order_by("name"))
    counts = dict(
        Slot.objects.visible_to(visible_to)
        .filter(space__in=rooms, date__gte=today)
        .order_by()
        .values_list("space")
        .annotate(n=Count("pk"))
        .values_list("space", "n")
    )
    return [(room, counts.get(room.pk, 0)) for room in rooms]

"""Interest education (interešu izglītība): its figures and the pages' reads.

Rules, in one place:
- the school year the figures describe is the registry's reporting year of the date
  (`registry.selectors.reporting_school_year`): the year containing the date, or, from June to August, the coming
  one once its groups exist (seed 002's figures as of 19 August 2024 are those of 2024/2025);
- an interest group is a group whose programme's level is `interest`; its participants are counted like every
  learner of the registry (`registry.selectors.active_enrolments`: enrolled by the date, or by the year's first day
  for a summer date, and not left by it; `left_on` is the first day no longer in the group);
- a neighbourhood club (apkaimes brīvā laika klubs) is open on a day from its opening (none: always) until the day
  before its closing;
- staff of interest education are the employments that hold on the date (`Employment.objects.active_on`) at
  institutions of type interest education; a pedagogue holds one of them in a pedagogical position;
- a municipal licence (up to 160 hours) is valid from its issue to its `valid_until` (none: without a term); it
  "expires soon" within LICENCE_WARNING_DAYS of the day; licences are the board's register.

The writes are in `interest.services`, their rules (a group's leader, licences) in `interest.rules`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from eduboard.core.latvian import sort_key
from eduboard.core.models import SchoolYear
from eduboard.core.scope import Viewer, scoped
from eduboard.interest.models import CollectiveKind, FestivalParticipation
from eduboard.people.models import Employment, pedagogical_q
from eduboard.registry.choices import InstitutionType, ProgrammeLevel
from eduboard.registry.models import Club, Group, MunicipalLicence, Programme, institution_active_q
from eduboard.registry.selectors import active_enrolment_filter, active_enrolments, reporting_school_year

LICENCE_WARNING_DAYS = 90
FIGURE_KEYS = ("programmes", "stem_programmes", "groups", "clubs", "participants", "pedagogues", "employments")

# Validity of a municipal licence on a day: code -> label.
VALIDITY_LABELS = {
    "valid": gettext_lazy("valid"),
    "expiring": gettext_lazy("expires within 90 days"),
    "expired": gettext_lazy("expired"),
    "not_yet": gettext_lazy("not yet valid"),
}


def interest_groups(*, school_year: SchoolYear | None, visible_to: Viewer) -> QuerySet[Group]:
    """Interest groups of `school_year` (none without a year) in the viewer's scope."""
    if school_year is None:
        return Group.objects.none()
    groups = Group.objects.filter(school_year=school_year, programme__level=ProgrammeLevel.INTEREST)
    return scoped(groups, visible_to)


def clubs_open_on(*, day: date, visible_to: Viewer) -> QuerySet[Club]:
    """Clubs open on `day` in the viewer's scope."""
    clubs = Club.objects.filter(institution_active_q(day))  # a club opens and closes as an institution does
    return scoped(clubs, visible_to)


def interest_figures(*, as_of: date, visible_to: Viewer) -> dict[str, int]:
    """Interest education as of a date (five queries at most), with exactly these keys:

    - `groups`: interest groups (programme level `interest`) of the reporting school year of `as_of`;
    - `programmes`: distinct programmes of those groups; `stem_programmes`: those of them with the STEM flag;
    - `clubs`: neighbourhood clubs open on `as_of`;
    - `participants`: distinct learners with an enrolment in one of those groups that counts on `as_of`;
    - `employments`: employments holding on `as_of` at institutions of type interest education;
    - `pedagogues`: distinct staff members among those employments in a pedagogical position.

    See the module's docstring for the rules. Seed 002 (BJC “Jaunība”, 2024-08-19): 49, 13, 171, 6, …, 62, 120.
    """
    year = reporting_school_year(as_of=as_of)
    groups = interest_groups(school_year=year, visible_to=visible_to)
    counted = groups.aggregate(
        groups=Count("pk"),
        programmes=Count("programme", distinct=True),
        stem_programmes=Count("programme", distinct=True, filter=Q(programme__stem=True)),
    )
    participants = 0
    if year is not None:
        enrolments = scoped(active_enrolments(school_year=year, as_of=as_of), visible_to)
        participants = (
            enrolments.filter(group__programme__level=ProgrammeLevel.INTEREST)
            .order_by()
            .values("learner_id")
            .distinct()
            .count()
        )
    staff = scoped(
        Employment.objects.active_on(as_of).filter(institution__type=InstitutionType.INTEREST_EDUCATION), visible_to
    ).aggregate(
        employments=Count("pk"),
        pedagogues=Count("staff_member", distinct=True, filter=pedagogical_q()),
    )
    return {
        "programmes": int(counted["programmes"]),
        "stem_programmes": int(counted["stem_programmes"]),
        "groups": int(counted["groups"]),
        "clubs": clubs_open_on(day=as_of, visible_to=visible_to).count(),
        "participants": participants,
        "pedagogues": int(staff["pedagogues"]),
        "employments": int(staff["employments"]),
    }


def interest_programme_rows(*, as_of: date, visible_to: Viewer) -> list[dict[str, Any]]:
    """The programmes of the reporting year's interest groups: code, name, STEM flag, field, groups and distinct
    participants counted on `as_of` (two queries); ordered by field, then code."""
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return []
    groups = interest_groups(school_year=year, visible_to=visible_to)
    rows = {
        pk: {"pk": pk, "code": code, "name": name, "stem": stem, "field": field, "groups": n, "participants": 0}
        for pk, code, name, stem, field, n in groups.order_by()
        .values_list("programme_id")
        .annotate(n=Count("pk"))
        .values_list("programme_id", "programme__code", "programme__name", "programme__stem", "programme__field", "n")
    }
    participants = (
        groups.filter(active_enrolment_filter(school_year=year, as_of=as_of))
        .order_by()
        .values_list("programme_id")
        .annotate(n=Count("enrolments__learner", distinct=True))
        .values_list("programme_id", "n")
    )
    for programme_id, count in participants:
        rows[programme_id]["participants"] = count
    labels = dict(Programme._meta.get_field("field").choices or [])
    result = sorted(rows.values(), key=lambda row: (row["field"] or "~", row["code"]))
    for row in result:
        row["field_label"] = labels.get(row["field"], "")
    return result


def club_rows(*, as_of: date, visible_to: Viewer) -> list[tuple[Club, list[Group]]]:
    """Clubs in the viewer's scope (open or not on `as_of`, each marked `is_open`) with the reporting year's interest
    groups meeting in them (two queries)."""
    year = reporting_school_year(as_of=as_of)
    clubs = list(
        scoped(Club.objects.select_related("institution"), visible_to).order_by("institution__sort_name", "name")
    )
    by_club: dict[int, list[Group]] = {club.pk: [] for club in clubs}
    if year is not None and clubs:
        groups = interest_groups(school_year=year, visible_to=visible_to).filter(club__in=[c.pk for c in clubs])
        for group in groups.select_related("programme", "leader").order_by("sort_name"):
            by_club[group.club_id].append(group)  # type: ignore[index]
    for club in clubs:
        club.is_open = (club.opened_on is None or club.opened_on <= as_of) and (
            club.closed_on is None or club.closed_on > as_of
        )
    return [(club, by_club[club.pk]) for club in clubs]


def licence_validity(licence: MunicipalLicence, *, on: date) -> str:
    """`valid`, `expiring` (within LICENCE_WARNING_DAYS of `on`), `expired` or `not_yet` (issued after `on`)."""
    if licence.issued_on > on:
        return "not_yet"
    if licence.valid_until is None:
        return "valid"
    if licence.valid_until < on:
        return "expired"
    if licence.valid_until <= on + timedelta(days=LICENCE_WARNING_DAYS):
        return "expiring"
    return "valid"


def festival_figures(*, year: int, visible_to: Viewer) -> list[dict[str, Any]]:
    """The festivals of `year` (one query) with the collectives the city sends, from the participation rows in the
    viewer's scope (another body's rows are the board's): per festival, in the order of their names,

    - `festival`, `year`; `festival_names`, the name in each language ({"lv", "en", "ru"}, blank where none);
    - `collectives`, `participants`: the sums of the rows;
    - `institutions`: distinct institutions with a row: the registry's, and other bodies marked as education
      institutions outside it (`body_is_institution`, a state music school); `bodies`: the names of the other
      bodies not so marked, distinct, in Latvian order;
    - `by_kind`: {kind code: {`collectives`, `participants`, `institutions` (distinct institutions and other bodies
      with a row of the kind), `names` (their names, in Latvian order)}}, in the order of the kinds' codes
      (`CollectiveKind`).

    Seed 002 (XIII Latvijas Skolu jaunatnes dziesmu un deju svētki, 2025): 60 collectives from 11 institutions and
    Daugavpils Vienības nams, 1350 participants; dance groups 17 from 7 institutions."""
    rows = scoped(FestivalParticipation.objects.filter(year=year), visible_to).values_list(
        "festival",
        "festival_en",
        "festival_ru",
        "institution_id",
        "institution__name",
        "body",
        "body_is_institution",
        "kind",
        "collectives",
        "participants",
    )
    found: dict[str, dict[str, Any]] = {}
    for row in rows.order_by():
        _add_participation(found, year, row)
    return [_festival_entry(found[festival]) for festival in sorted(found, key=sort_key)]


def _add_participation(found: dict[str, dict[str, Any]], year: int, row: tuple[Any, ...]) -> None:
    """Count one participation row (the columns `festival_figures` reads, in its order) into its festival's entry
    of `found`."""
    festival, english, russian, institution_id, name, body, school, kind, collectives, participants = row
    entry = found.setdefault(
        festival,
        {
            "festival": festival,
            "festival_names": {"lv": festival, "en": "", "ru": ""},
            "year": year,
            "collectives": 0,
            "participants": 0,
            "_ids": set(),
            "_bodies": set(),
        },
    )
    # The name in each language: any row's translation (the rows of one festival name it alike).
    entry["festival_names"]["en"] = entry["festival_names"]["en"] or english
    entry["festival_names"]["ru"] = entry["festival_names"]["ru"] or russian
    entry["collectives"] += collectives
    entry["participants"] += participants
    if institution_id is not None:
        entry["_ids"].add(institution_id)
    elif school:
        entry["_ids"].add(f"body:{body.casefold()}")
    else:
        entry["_bodies"].add(body)
    of_kind = entry.setdefault("_kinds", {}).setdefault(kind, {"collectives": 0, "participants": 0, "who": {}})
    of_kind["collectives"] += collectives
    of_kind["participants"] += participants
    of_kind["who"][institution_id if institution_id is not None else f"body:{body}"] = (
        name if institution_id is not None else body
    )


def _festival_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A festival's counted entry as `festival_figures` gives it: distinct institutions, the other bodies in Latvian
    order, and its kinds in the order of their codes."""
    order = {code: index for index, code in enumerate(CollectiveKind.values)}
    kinds = entry.pop("_kinds", {})
    entry["institutions"] = len(entry.pop("_ids"))
    entry["bodies"] = sorted(entry.pop("_bodies"), key=sort_key)
    entry["by_kind"] = {
        kind: {
            "collectives": kinds[kind]["collectives"],
            "participants": kinds[kind]["participants"],
            "institutions": len(kinds[kind]["who"]),
            "names": sorted(kinds[kind]["who"].values(), key=sort_key),
        }
        for kind in sorted(kinds, key=lambda code: order.get(code, len(order)))
    }
    return entry

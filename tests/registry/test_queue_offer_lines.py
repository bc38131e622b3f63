"""Who may be offered a preschool place, against its definition: random small queues, the offer list the pages show
(`selectors.queue_offer_lines`), the same computed in plain Python from the rows drawn, and the offer service.

The definition (docs/registry.md, `rules.queue_lines`, `selectors.queue_offer_lines`):
- the queue order: older birth year first; then children declared in the city; then the best priority ground
  (lowest rank; none last); then the earlier registration (then the entry made first);
- the waiting children stand in one line per institution they chose (first or second) and birth year, in queue
  order; only the first of a line may be offered a place there, whatever school year they want to start in;
- that child is offered a place in a preschool group of the institution of the school year of the day they want
  to start, or of the day the list is drawn when that is later, that has a free place: its capacity (none: no
  place) less the learners counted in it on the day (enrolled on or before the later of the day and the year's
  first day, not left by the day) and the places offered in it and not decided;
- a line whose first child has no such group says why: `later_year` (they want a later school year than the
  day's, and the institution has no preschool group of it), `no_group` (none of the day's school year),
  `no_free_place` (its groups of that year are full).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry import services
from eduboard.registry.choices import QueueStatus
from eduboard.registry.models import (
    Enrolment,
    Group,
    Institution,
    Learner,
    Municipality,
    PriorityGround,
    Programme,
    QueueEntry,
)
from eduboard.registry.selectors import queue_offer_lines
from eduboard.registry.synthetic import PersonalCodes
from tests.factories import UserFactory
from tests.figure_worlds import FIGURE_SETTINGS, rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

ON = date(2024, 11, 15)  # the day the list is drawn: in the school year 2024/2025
YEARS = (2024, 2025)  # school years 2024/2025 and 2025/2026 exist; 2026/2027 and later do not
INSTITUTIONS = 3  # two preschools and a secondary school with preschool groups
# Wanted starts: past, the day itself, later this year, and later school years (none in June–August, whose
# reporting year depends on the groups: that rule is the statistics' and is tested there).
WANTED = [date(2024, 9, 1), ON, date(2025, 1, 10), date(2025, 9, 1), date(2026, 9, 1), date(2027, 9, 1)]
RANKS = {"sibling": 1, "large_family": 2}


@dataclass(frozen=True)
class GroupRow:
    institution: int
    year: int  # the school year's first calendar year
    capacity: int | None
    enrolled: tuple[tuple[date, date | None], ...]  # (enrolled_on, left_on) of its learners


@dataclass(frozen=True)
class EntryRow:
    born_in: int
    home: bool | None  # declared in the city, elsewhere, or unknown
    grounds: tuple[str, ...]
    registered_on: date
    wanted_start_on: date
    first_choice: int
    second_choice: int | None
    status: str
    offered_group: int | None  # index into the groups, for an offered entry


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[GroupRow], list[EntryRow]]:
    groups = []
    for institution in range(INSTITUTIONS):
        for year, most in ((2024, 2), (2025, 1)):
            for _ in range(draw(st.integers(0, most))):
                enrolled = draw(
                    st.lists(
                        st.tuples(
                            st.dates(date(2024, 6, 1), date(2025, 9, 1)),
                            st.none() | st.dates(date(2024, 9, 2), date(2025, 3, 1)),
                        ),
                        max_size=2,
                    )
                )
                enrolled = [(first, left if left is None or left > first else None) for first, left in enrolled]
                capacity = draw(st.sampled_from([None, 0, 1, 2, 2, 3, 3]))
                groups.append(GroupRow(institution, year, capacity, tuple(enrolled)))
    entries = []
    for _ in range(draw(st.integers(1, 8))):
        first = draw(st.integers(0, INSTITUTIONS - 1))
        second = draw(st.none() | st.integers(0, INSTITUTIONS - 1).filter(lambda other, first=first: other != first))
        status = draw(st.sampled_from([QueueStatus.WAITING] * 3 + [QueueStatus.OFFERED] * 2 + [QueueStatus.WITHDRAWN]))
        chosen = [index for index, group in enumerate(groups) if group.institution in (first, second)]
        offered = draw(st.sampled_from(chosen)) if status == QueueStatus.OFFERED and chosen else None
        entries.append(
            EntryRow(
                born_in=draw(st.sampled_from([2020, 2021, 2022])),
                home=draw(st.sampled_from([True, True, False, None])),
                grounds=tuple(draw(st.lists(st.sampled_from(sorted(RANKS)), max_size=2, unique=True))),
                registered_on=draw(st.sampled_from([date(2023, 1, 10), date(2023, 5, 2), date(2024, 2, 1)])),
                wanted_start_on=draw(st.sampled_from(WANTED)),
                first_choice=first,
                second_choice=second,
                status=QueueStatus.WAITING if status == QueueStatus.OFFERED and offered is None else status,
                offered_group=offered,
            )
        )
    return groups, entries


def write(groups: list[GroupRow], entries: list[EntryRow]) -> tuple[list[Institution], list[Group], list[int]]:
    """The rows in the database: the institutions, the groups, and the entries' ids (in the order drawn)."""
    codes = PersonalCodes()
    home = Municipality.objects.create(name="Daugavpils", is_home=True)
    elsewhere = Municipality.objects.create(name="Augšdaugavas novads")
    grounds = {code: PriorityGround.objects.create(code=code, name=code, rank=rank) for code, rank in RANKS.items()}
    programme = Programme.objects.create(code="01011111", name="Pirmsskolas programma", level="preschool")
    years = {year: school_year_get_or_create(code=f"{year}/{year + 1}") for year in YEARS}
    institutions = [
        Institution.objects.create(
            name=f"Iestāde {index}",
            type="secondary" if index == INSTITUTIONS - 1 else "preschool",
            registration_number=f"{9000000200 + index:010d}",
        )
        for index in range(INSTITUTIONS)
    ]
    made = []
    for index, row in enumerate(groups):
        group = Group.objects.create(
            institution=institutions[row.institution],
            school_year=years[row.year],
            programme=programme,
            name=f"Grupa {index}",
            capacity=row.capacity,
        )
        for enrolled_on, left_on in row.enrolled:
            pupil = Learner.objects.create(
                personal_code=codes.for_birth_date(date(2020, 5, 5)),
                first_name="Skolēns",
                last_name=f"G{index}",
                birth_date=date(2020, 5, 5),
            )
            Enrolment.objects.create(learner=pupil, group=group, enrolled_on=enrolled_on, left_on=left_on)
        made.append(group)
    ids = []
    for index, row in enumerate(entries):
        birth = date(row.born_in, 3, 3)
        child = Learner.objects.create(
            personal_code=codes.for_birth_date(birth),
            first_name=f"Bērns{index}",
            last_name="Rinda",
            birth_date=birth,
            declared_municipality=None if row.home is None else home if row.home else elsewhere,
        )
        entry = QueueEntry.objects.create(
            child=child,
            registered_on=row.registered_on,
            wanted_start_on=row.wanted_start_on,
            first_choice=institutions[row.first_choice],
            second_choice=None if row.second_choice is None else institutions[row.second_choice],
            status=row.status,
            offered_group=None if row.offered_group is None else made[row.offered_group],
        )
        entry.grounds.set([grounds[code] for code in row.grounds])
        ids.append(entry.pk)
    return institutions, made, ids


def school_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def free_places(groups: list[GroupRow], entries: list[EntryRow], index: int) -> int:
    """A group's free places on ON: its capacity (none: no place) less the learners counted in it and the places
    offered in it and not decided (never below zero)."""
    group = groups[index]
    begun_by = max(ON, date(group.year, 9, 1))
    counted = sum(1 for first, left in group.enrolled if first <= begun_by and (left is None or left > ON))
    offered = sum(1 for row in entries if row.status == QueueStatus.OFFERED and row.offered_group == index)
    return max((group.capacity or 0) - counted - offered, 0)


def expected_lines(
    groups: list[GroupRow], entries: list[EntryRow], ids: list[int]
) -> dict[tuple[int, int], dict[str, Any]]:
    """The offer list by its definition, from the rows drawn: by (institution index, birth year), the line's
    children (entry ids in order), its first child's free groups (group index: free places) and the reason."""

    def order(index: int) -> tuple[Any, ...]:
        row = entries[index]
        ranks = [RANKS[code] for code in row.grounds]
        return (row.born_in, 0 if row.home else 1, min(ranks, default=10**6), row.registered_on, ids[index])

    result: dict[tuple[int, int], dict[str, Any]] = {}
    waiting = sorted((i for i, row in enumerate(entries) if row.status == QueueStatus.WAITING), key=order)
    for institution in range(INSTITUTIONS):
        for born_in in (2020, 2021, 2022):
            line = [
                i
                for i in waiting
                if entries[i].born_in == born_in and institution in (entries[i].first_choice, entries[i].second_choice)
            ]
            if not line:
                continue
            year = school_year_of(max(ON, entries[line[0]].wanted_start_on))
            at_year = [i for i, group in enumerate(groups) if group.institution == institution and group.year == year]
            free = {i: free_places(groups, entries, i) for i in at_year if free_places(groups, entries, i) > 0}
            if free:
                reason = ""
            elif at_year:
                reason = "no_free_place"
            else:
                reason = "later_year" if year > school_year_of(ON) else "no_group"
            result[(institution, born_in)] = {"line": [ids[i] for i in line], "free": free, "reason": reason}
    return result


def drawn_lines(lines: list[Any], institutions: list[Institution], made: list[Group]) -> dict[Any, dict[str, Any]]:
    index_of = {institution.pk: index for index, institution in enumerate(institutions)}
    group_index = {group.pk: index for index, group in enumerate(made)}
    return {
        (index_of[line.institution.pk], line.born_in): {
            "line": [entry.pk for entry in line.entries],
            "free": {group_index[group.pk]: group.free for group in line.free_groups},
            "reason": line.reason,
        }
        for line in lines
    }


def try_offer(entry_id: int, group: Group) -> str:
    """What the offer service answers (the offer is rolled back): "offered" or the refusal's code."""
    try:
        with transaction.atomic():
            services.queue_entry_offer(entry=QueueEntry.objects.get(pk=entry_id), group=group, on=ON, viewer=WHOLE_CITY)
            transaction.set_rollback(True)
    except ValidationError as error:
        return str(error.code)
    return "offered"


@FIGURE_SETTINGS
@given(world=worlds())
def test_the_offer_list_and_its_reasons_follow_the_definition_and_the_offer_service(
    world: tuple[list[GroupRow], list[EntryRow]],
) -> None:
    groups, entries = world
    with rolled_back():
        institutions, made, ids = write(groups, entries)
        expected = expected_lines(groups, entries, ids)
        assert drawn_lines(queue_offer_lines(viewer=WHOLE_CITY, on=ON), institutions, made) == expected

        # A head reads the lines of their own institution only: the same lines.
        head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[institutions[0]])
        own = {key: value for key, value in expected.items() if key[0] == 0}
        assert drawn_lines(queue_offer_lines(viewer=head, on=ON), institutions, made) == own

        # The service offers exactly what the list shows, in every group of the year the child wants.
        for (institution, _born_in), line in expected.items():
            for position, entry_id in enumerate(line["line"]):
                row = entries[ids.index(entry_id)]
                year = school_year_of(max(ON, row.wanted_start_on))
                for index, group in enumerate(groups):
                    if group.institution != institution or group.year != year:
                        continue
                    answer = try_offer(entry_id, made[index])
                    if not free_places(groups, entries, index):
                        assert answer == "no_free_place", (entry_id, index)
                    elif position > 0:
                        assert answer == "not_first_in_queue", (entry_id, index)
                    else:
                        assert answer == "offered", (entry_id, index)
                        assert index in line["free"], (entry_id, index)

"""The people area's data-quality checks (issue 43; docs/figures.md, "Data quality"): selectors that find the staff
records breaking one rule, for the viewer's institutions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse

from eduboard.core.data_checks import Finding, last_written_by_institution, object_ref
from eduboard.core.scope import Viewer, institution_scope
from eduboard.people.models import Employment, StaffMember
from eduboard.people.selectors import fte_text
from eduboard.registry.boards import default_fte_warning_limit
from eduboard.registry.models import Group
from eduboard.registry.selectors import reporting_school_year


def fte_over_limit(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Staff with a rate on `as_of` in the viewer's institutions whose rates holding that day, in every
    institution, add up to more than `threshold` (the board's FTE warning limit, `Board.fte_warning_limit`). One
    finding per person, at the institution of their largest rate in scope."""
    limit = threshold if threshold is not None else default_fte_warning_limit()
    scope = institution_scope(visible_to)
    rates: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    held_here = Employment.objects.visible_to(visible_to).active_on(as_of).values("staff_member_id")
    for person, institution_id, fte in (
        Employment.objects.active_on(as_of)
        .filter(staff_member_id__in=held_here)
        .values_list("staff_member_id", "institution_id", "fte")
        .order_by("pk")
    ):
        rates[person].append((institution_id, fte))
    over = {}
    for person, held in rates.items():
        total = sum((fte for _institution, fte in held), Decimal(0))
        mine = [(fte, -institution) for institution, fte in held if scope is None or institution in scope]
        if total > limit and mine:
            over[person] = (total, -max(mine)[1])
    names = StaffMember.objects.in_bulk(list(over))
    return [
        Finding(
            "fte_over_limit",
            institution_id,
            object_ref(StaffMember, person),
            reverse("people:staff_detail", args=[person]),
            {"staff": str(names[person]), "total": fte_text(total), "limit": fte_text(limit)},
        )
        for person, (total, institution_id) in sorted(over.items())
    ]


def staff_without_employment(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Staff records with no employment holding on `as_of` where the data says they work: the leader of a group
    of the reporting year in the viewer's institutions (at that institution); and, for a viewer of every
    institution, staff records with no employment at all (no institution: the board's)."""
    found = []
    year = reporting_school_year(as_of=as_of)
    employed = set(Employment.objects.active_on(as_of).values_list("staff_member_id", flat=True).order_by())
    if year is not None:
        leaders = (
            Group.objects.visible_to(visible_to)
            .filter(school_year=year, leader__isnull=False)
            .exclude(leader_id__in=employed)
            .values_list("pk", "name", "institution_id", "leader_id")
            .order_by("leader_id", "pk")
        )
        seen: set[tuple[int, int]] = set()
        rows = list(leaders)
        names = StaffMember.objects.in_bulk({row[3] for row in rows})
        for _group, name, institution_id, leader in rows:
            if (leader, institution_id) in seen:
                continue
            seen.add((leader, institution_id))
            found.append(
                Finding(
                    "staff_without_employment",
                    institution_id,
                    object_ref(StaffMember, leader),
                    reverse("people:staff_detail", args=[leader]),
                    {"staff": str(names[leader]), "group": name},
                )
            )
    if institution_scope(visible_to) is None:
        for person in StaffMember.objects.filter(employments__isnull=True).order_by("pk"):
            found.append(
                Finding(
                    "staff_without_employment",
                    None,
                    object_ref(person),
                    person.get_absolute_url(),
                    {"staff": str(person), "group": "—"},
                )
            )
    return found


def staff_sent_at(*, day: date, institutions: Iterable[int]) -> dict[int, datetime]:
    """{institution id: when its staff of `day` were last written}: the latest change of its employments holding on
    `day` (`active_on`); an institution with none has sent no staff for that day (the census, issue 43)."""
    rates = Employment.objects.active_on(day).filter(institution__in=list(institutions))
    return last_written_by_institution(rates, "institution_id")

"""The people area's picker (core.pickers): staff members (teachers) as a search field."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from eduboard.core.latvian import found_order, words_match
from eduboard.core.pickers import PickerKind, register
from eduboard.core.scope import Viewer
from eduboard.people.models import Employment, StaffMember


def _staff(viewer: Viewer, query: str, institution: int | None) -> QuerySet[StaffMember]:
    rows = StaffMember.objects.visible_to(viewer)
    query = query.strip()
    if query.replace("-", "").isdigit():
        rows = rows.filter(personal_code__startswith=query)
    else:
        rows = rows.filter(words_match(query, indexed=StaffMember))
    if institution is not None:
        working = Employment.objects.active_on(timezone.localdate()).filter(institution_id=institution)
        rows = rows.filter(pk__in=working.values("staff_member_id"))
    return rows.order_by(found_order(), "pk")


def _staff_detail(person: StaffMember) -> str:
    """The masked code and the institutions the person works in today, to tell namesakes apart."""
    today = timezone.localdate()
    places = sorted(
        {
            e.institution.short_name or e.institution.name
            for e in person.employments.all()
            if e.start_date <= today and (e.end_date is None or e.end_date >= today)
        }
    )
    return " · ".join(filter(None, [person.masked_code, ", ".join(places)]))


def register_pickers() -> None:
    register(
        PickerKind(
            name="staff",
            model=StaffMember,
            permission="people.view_staffmember",
            search=_staff,
            label=lambda row: f"{row.first_name} {row.last_name}",
            detail=_staff_detail,
            prefetch=("employments__institution",),
            detail_in_lists=True,
            list_url="people:staff_list",
        )
    )

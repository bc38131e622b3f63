"""The registry's pickers (core.pickers): institutions, groups and learners as search fields."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from eduboard.core.latvian import fold, found_order, search_words, words_match
from eduboard.core.pickers import PickerKind, register
from eduboard.core.scope import Viewer
from eduboard.registry.models import Group, Institution, Learner, Municipality


def match_learners(queryset: QuerySet[Learner], value: str) -> QuerySet[Learner]:
    """Learners whose name has every word typed (any case, any diacritics) and whose personal code starts with
    the digits typed (the birth-date part), or is the whole code typed."""
    condition = Q()
    words = []
    for word in value.split():
        digits = word.replace("-", "")
        if digits.isdigit():
            # A full code matches exactly; a shorter one as the start (the birth date part).
            condition &= Q(personal_code__startswith=word if len(digits) < 11 else f"{digits[:6]}-{digits[6:]}")
        else:
            words.append(word)
    return queryset.filter(condition & words_match(" ".join(words), indexed=Learner))


def _institutions(viewer: Viewer, query: str, institution: int | None) -> QuerySet[Institution]:
    rows: QuerySet[Institution] = Institution.objects.visible_to(viewer)
    query = query.strip()
    if query.isdigit():
        return rows.filter(registration_number__startswith=query).order_by("sort_name")
    return rows.filter(words_match(query)).order_by(found_order(), "pk")


def _groups(viewer: Viewer, query: str, institution: int | None) -> QuerySet[Group]:
    rows: QuerySet[Group] = Group.objects.visible_to(viewer).select_related("institution", "school_year")
    if institution is not None:
        rows = rows.filter(institution_id=institution)
    for word in query.split():
        rows = rows.filter(name__icontains=word)
    return rows.order_by("-school_year__start_date", "institution__sort_name", "grade", "sort_name")


def _learners(viewer: Viewer, query: str, institution: int | None) -> QuerySet[Learner]:
    rows = match_learners(Learner.objects.visible_to(viewer), query)
    if institution is not None:
        rows = rows.filter(pk__in=rows.filter(enrolments__group__institution_id=institution).values("pk"))
    return rows.order_by(found_order(), "pk")


def _municipalities(viewer: Viewer, query: str, institution: int | None) -> QuerySet[Municipality]:
    """Municipalities (a country's few dozen, read whole) whose name has every word typed."""
    rows = Municipality.objects.visible_to(viewer)
    words = search_words(query)
    found = [pk for pk, name in rows.values_list("pk", "name") if all(word in fold(name) for word in words)]
    return rows.filter(pk__in=found).order_by("sort_name")


def _learner_detail(learner: Learner) -> str:
    """The masked code and where the learner learns now (else last), to tell namesakes apart."""
    today = timezone.localdate()
    enrolments = sorted(learner.enrolments.all(), key=lambda e: (e.left_on is None or e.left_on > today, e.enrolled_on))
    where = ""
    if enrolments:
        group = enrolments[-1].group
        where = f"{group.institution.short_name or group.institution.name}, {group.name}"
    return " · ".join(filter(None, [learner.masked_code, where]))


def register_pickers() -> None:
    register(
        PickerKind(
            name="institution",
            model=Institution,
            permission="registry.view_institution",
            search=_institutions,
            label=lambda row: row.name,
            detail=lambda row: str(row.get_type_display()),
            narrowed_by="",
            list_url="registry:institution_list",
        )
    )
    register(
        PickerKind(
            name="group",
            model=Group,
            permission="registry.view_group",
            search=_groups,
            label=lambda row: row.name,
            detail=lambda row: f"{row.institution.short_name or row.institution.name}, {row.school_year.code}",
            select_related=("institution", "school_year"),
            detail_in_lists=True,  # two schools' "1.a" told apart
        )
    )
    register(
        PickerKind(
            name="learner",
            model=Learner,
            permission="registry.view_learner",
            search=_learners,
            label=lambda row: f"{row.first_name} {row.last_name}",
            detail=_learner_detail,
            prefetch=("enrolments__group__institution",),
            detail_in_lists=True,
            list_url="registry:learner_list",
        )
    )
    register(
        PickerKind(
            name="municipality",
            model=Municipality,
            permission="registry.view_municipality",
            search=_municipalities,
            label=lambda row: row.name,
            narrowed_by="",
        )
    )

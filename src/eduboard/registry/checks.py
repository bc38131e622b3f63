"""The registry's data-quality checks (issue 43; docs/figures.md, "Data quality"): each is a selector that finds the
rows breaking one rule of the registry's data, for the viewer's institutions, with the board's threshold.

The rules themselves are the registry's own (`rules.age_outside_grade_by`, `holding_on`, `GroupFigures`,
`validators.personal_code_fault`, `core.latvian.fold`); the data-quality area keeps their codes, severities,
thresholds and texts and runs them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse

from eduboard.core.data_checks import Finding, last_written_by_institution, object_ref
from eduboard.core.scope import Viewer
from eduboard.registry.choices import ProgrammeLevel
from eduboard.registry.models import Enrolment, Group, Learner
from eduboard.registry.rules import age_outside_grade_by, look_alike_key
from eduboard.registry.selectors import group_figures, reporting_school_year
from eduboard.registry.validators import mask_personal_code, personal_code_fault

#: The levels whose groups have a usual age (interest and vocational education take any age).
AGED_LEVELS = (ProgrammeLevel.PRESCHOOL, ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY)
GENERAL_LEVELS = (ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY)


def _learner(first: str, last: str, code: str) -> str:
    return f"{first} {last} ({mask_personal_code(code)})"


def _learner_url(pk: int) -> str:
    return reverse("registry:learner_detail", args=[pk])


def age_outside_grade(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Enrolments holding on `as_of` in a preschool or general-education group whose learner is more than
    `threshold` years (2 by default) away from the usual age of the group (`rules.age_outside_grade_by`)."""
    year = reporting_school_year(as_of=as_of)
    if year is None:
        return []
    tolerance = int(threshold) if threshold is not None else 2
    rows = (
        Enrolment.objects.visible_to(visible_to)
        .holding_on(as_of, school_year=year)
        .filter(group__programme__level__in=AGED_LEVELS)
        .values_list(
            "pk",
            "group__institution_id",
            "group__programme__level",
            "group__grade",
            "group__name",
            "learner_id",
            "learner__first_name",
            "learner__last_name",
            "learner__personal_code",
            "learner__birth_date",
        )
        .order_by("pk")
    )
    found = []
    for pk, institution_id, level, grade, group, learner_id, first, last, code, born in rows:
        off, age, usual = age_outside_grade_by(
            level=level, grade=grade, birth_date=born, school_year_start=year.start_date, day=as_of
        )
        if off > tolerance:
            found.append(
                Finding(
                    "age_outside_grade",
                    institution_id,
                    object_ref(Enrolment, pk),
                    _learner_url(learner_id),
                    {
                        "learner": _learner(first, last, code),
                        "group": group,
                        "grade": "" if grade is None else str(grade),
                        "age": str(age),
                        "usual": usual,
                    },
                )
            )
    return found


def enrolled_before_birth(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Enrolments (of any date) that begin before their learner's birth date."""
    rows = (
        Enrolment.objects.visible_to(visible_to)
        .begun_before_birth()
        .values_list(
            "pk",
            "group__institution_id",
            "group__name",
            "enrolled_on",
            "learner_id",
            "learner__first_name",
            "learner__last_name",
            "learner__personal_code",
            "learner__birth_date",
        )
        .order_by("pk")
    )
    return [
        Finding(
            "enrolled_before_birth",
            institution_id,
            object_ref(Enrolment, pk),
            _learner_url(learner_id),
            {
                "learner": _learner(first, last, code),
                "group": group,
                "enrolled_on": enrolled_on.isoformat(),
                "birth_date": born.isoformat(),
            },
        )
        for pk, institution_id, group, enrolled_on, learner_id, first, last, code, born in rows
    ]


def left_before_enrolled(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Enrolments whose leaving day comes before their first day (the database refuses them; a file can hold
    them, and the import preview shows them)."""
    rows = (
        Enrolment.objects.visible_to(visible_to)
        .left_before_begun()
        .values_list(
            "pk",
            "group__institution_id",
            "group__name",
            "enrolled_on",
            "left_on",
            "learner_id",
            "learner__first_name",
            "learner__last_name",
            "learner__personal_code",
        )
        .order_by("pk")
    )
    return [
        Finding(
            "left_before_enrolled",
            institution_id,
            object_ref(Enrolment, pk),
            _learner_url(learner_id),
            {
                "learner": _learner(first, last, code),
                "group": group,
                "enrolled_on": enrolled_on.isoformat(),
                "left_on": left_on.isoformat(),
            },
        )
        for pk, institution_id, group, enrolled_on, left_on, learner_id, first, last, code in rows
    ]


def two_open_enrolments(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Learners with two or more enrolments holding on `as_of` in general-education groups (basic or secondary)
    at once: one finding per such learner, at the institution of their latest enrolment, naming the groups.
    A learner counts when one of those enrolments is in the viewer's institutions."""
    in_scope = (
        Enrolment.objects.visible_to(visible_to).holding_on(as_of).filter(group__programme__level__in=GENERAL_LEVELS)
    )
    mine = set(in_scope.values_list("pk", flat=True).order_by())
    holding = (
        Enrolment.objects.holding_on(as_of)
        .filter(group__programme__level__in=GENERAL_LEVELS, learner_id__in=in_scope.values("learner_id"))
        .values_list(
            "pk",
            "learner_id",
            "enrolled_on",
            "group__institution_id",
            "group__name",
            "group__institution__name",
            "learner__first_name",
            "learner__last_name",
            "learner__personal_code",
        )
        .order_by("learner_id", "enrolled_on", "pk")
    )
    by_learner: dict[int, list[tuple]] = defaultdict(list)
    for row in holding:
        by_learner[row[1]].append(row)
    found = []
    for learner_id, rows in by_learner.items():
        if len(rows) < 2 or not any(row[0] in mine for row in rows):
            continue
        latest = rows[-1]
        first, last, code = latest[6:9]
        found.append(
            Finding(
                "two_open_enrolments",
                latest[3],
                object_ref(Learner, learner_id),
                _learner_url(learner_id),
                {
                    "learner": _learner(first, last, code),
                    "groups": "; ".join(f"{row[4]} ({row[5]})" for row in rows),
                    "count": str(len(rows)),
                },
            )
        )
    return found


def group_over_capacity(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Groups of the reporting year whose learners on `as_of` (the registry's count, `group_figures`) exceed their
    capacity by more than `threshold` per cent (0 by default: one learner over is found)."""
    allowed = threshold if threshold is not None else Decimal(0)
    over = [
        figures
        for figures in group_figures(as_of=as_of, visible_to=visible_to, others=False)
        if figures.capacity is not None and figures.enrolled * 100 > figures.capacity * (100 + allowed)
    ]
    names = dict(Group.objects.filter(pk__in=[g.pk for g in over]).values_list("pk", "name"))
    institutions = dict(Group.objects.filter(pk__in=[g.pk for g in over]).values_list("pk", "institution_id"))
    return [
        Finding(
            "group_over_capacity",
            institutions[figures.pk],
            object_ref(Group, figures.pk),
            reverse("registry:group_detail", args=[figures.pk]),
            {"group": names[figures.pk], "enrolled": str(figures.enrolled), "capacity": str(figures.capacity)},
        )
        for figures in sorted(over, key=lambda g: g.pk)
    ]


def _learners_with_institution(visible_to: Viewer) -> dict[int, int]:
    """{learner id: the institution of their latest enrolment among the viewer's institutions}."""
    latest: dict[int, int] = {}
    for learner_id, institution_id in (
        Enrolment.objects.visible_to(visible_to)
        .order_by("learner_id", "enrolled_on", "pk")
        .values_list("learner_id", "group__institution_id")
    ):
        latest[learner_id] = institution_id
    return latest


def personal_code_invalid(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Learners of the viewer's institutions whose personal code is not a valid one (form, date, check digit) or
    whose old-format code carries another birth date than theirs (`validators.personal_code_fault`)."""
    where = _learners_with_institution(visible_to)
    found = []
    for pk, first, last, code, born in (
        Learner.objects.visible_to(visible_to)
        .filter(anonymised_on__isnull=True)  # an anonymised record has no code or name to check (docs/privacy.md)
        .values_list("pk", "first_name", "last_name", "personal_code", "birth_date")
        .order_by("pk")
    ):
        fault = personal_code_fault(code, birth_date=born)
        if fault:
            found.append(
                Finding(
                    "personal_code_invalid",
                    where.get(pk),
                    object_ref(Learner, pk),
                    _learner_url(pk),
                    {"learner": _learner(first, last, code), "reason": fault},
                )
            )
    return found


def duplicate_learner(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Learners of the viewer's institutions who look like another of them under a different personal code: the
    same birth date and the same first and last names folded (case and Latvian letters ignored: "Jānis Bērziņš"
    and "JANIS BERZINS"), e.g. a child once written with an old-format and once with a new-format code. One
    finding per learner after the first (by id) of each such set, naming the first."""
    where = _learners_with_institution(visible_to)
    people: dict[tuple[str, str, date], list[tuple[int, str, str, str]]] = defaultdict(list)
    for pk, first, last, code, born in (
        Learner.objects.visible_to(visible_to)
        .filter(anonymised_on__isnull=True)  # an anonymised record has no code or name to check (docs/privacy.md)
        .values_list("pk", "first_name", "last_name", "personal_code", "birth_date")
        .order_by("pk")
    ):
        people[look_alike_key(first, last, born)].append((pk, first, last, code))
    found = []
    for same in people.values():
        if len(same) < 2 or len({code for _pk, _first, _last, code in same}) < 2:
            continue
        kept = same[0]
        for pk, first, last, code in same[1:]:
            if code == kept[3]:
                continue
            found.append(
                Finding(
                    "duplicate_learner",
                    where.get(pk),
                    object_ref(Learner, pk),
                    _learner_url(pk),
                    {
                        "learner": _learner(first, last, code),
                        "other": _learner(kept[1], kept[2], kept[3]),
                        "other_id": str(kept[0]),
                    },
                )
            )
    return found


def learners_sent_at(*, day: date, institutions: Iterable[int]) -> dict[int, datetime]:
    """{institution id: when its learners of `day` were last written}: the latest change of its enrolments holding
    on `day` (`holding_on`); an institution with none has sent no learners for that day (the census, issue 43)."""
    holding = Enrolment.objects.holding_on(day).filter(group__institution__in=list(institutions))
    return last_written_by_institution(holding, "group__institution_id")

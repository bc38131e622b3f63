"""Reads of the self-assessment report's tables (seed 003), each a plain function of the institution, the day or
school year the report counts on, and the viewer, returning plain data with the school year each row is of.

Rules, in one place:
- a table shows the latest school year it holds for the institution that starts no later than the report's year
  (`latest_school_year`): a report of 2024/2025 shows 2019/2020 when that is the latest, and says so;
- an exam written in calendar year Y belongs to school year Y-1/Y (`exam_school_year`): the exams close it;
- table 1: the institution's programmes with an accreditation in force on the counted day, or given later in the
  school year (the programme "to be accredited"), with the registry's licence, qualifications and learners;
- table 4: examined = qualified + lower qualification + not qualified;
- table 6: graduates = every outcome added up (each graduate is counted under one outcome);
- table 7: per place and body, the latest opinion issued on or before the counted day;
- section 3: the recommendations given on or before the counted day, oldest first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Model, QuerySet

from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import school_year_code_for
from eduboard.core.scope import Viewer
from eduboard.quality.models import (
    Accreditation,
    GraduateEmployment,
    Inspection,
    InterestParticipation,
    QualificationExamResult,
    Recommendation,
)
from eduboard.registry.models import Group, Institution, Licence
from eduboard.registry.selectors import active_enrolment_filter, institution_programme_figures


def exam_school_year(year: int) -> str:
    """The school year an exam written in calendar year `year` closes: 2020 → "2019/2020"."""
    return f"{year - 1}/{year}"


def latest_school_year(rows: QuerySet[Any], *, until: SchoolYear) -> SchoolYear | None:
    """The latest school year of `rows` (rows with a `school_year`) that starts no later than `until` (1 query)."""
    found = (
        SchoolYear.objects.filter(pk__in=rows.order_by().values("school_year_id"), start_date__lte=until.start_date)
        .order_by("-start_date")
        .first()
    )
    return found


def _rows_of(model: type[Model], *, institution: Institution, visible_to: Viewer) -> QuerySet[Any]:
    rows: QuerySet[Any] = model._default_manager.all().visible_to(visible_to)  # type: ignore[attr-defined]
    return rows.filter(institution=institution)


def qualification_exam_table(
    *, institution: Institution, school_year: SchoolYear, visible_to: Viewer
) -> dict[str, Any]:
    """Table 4 of the latest school year held up to `school_year` (2 queries): `school_year` (its code, or None when
    there is none), `rows` ({qualification, qualified, lower_qualification, not_qualified, examined}) in the
    institution's order, and `total` of each count."""
    rows = _rows_of(QualificationExamResult, institution=institution, visible_to=visible_to)
    year = latest_school_year(rows, until=school_year)
    found = [
        {
            "qualification": row.qualification,
            "qualified": row.qualified,
            "lower_qualification": row.lower_qualification,
            "not_qualified": row.not_qualified,
            "examined": row.examined,
        }
        for row in rows.filter(school_year=year).order_by("position", "qualification")
    ]
    keys = ("qualified", "lower_qualification", "not_qualified", "examined")
    return {
        "school_year": year.code if year else None,
        "rows": found,
        "total": {key: sum(row[key] for row in found) for key in keys},
    }


def interest_participation_table(
    *, institution: Institution, school_year: SchoolYear, visible_to: Viewer
) -> dict[str, Any]:
    """Table 5 of the latest school year held up to `school_year` (2 queries): `school_year`, `rows` ({activity,
    participants}) and `total` participants (a learner in two clubs counts in each, as the seed adds them)."""
    rows = _rows_of(InterestParticipation, institution=institution, visible_to=visible_to)
    year = latest_school_year(rows, until=school_year)
    found = [
        {"activity": row.activity, "participants": row.participants}
        for row in rows.filter(school_year=year).order_by("position", "activity")
    ]
    return {
        "school_year": year.code if year else None,
        "rows": found,
        "total": sum(row["participants"] for row in found),
    }


def graduate_employment_table(
    *, institution: Institution, school_year: SchoolYear, visible_to: Viewer
) -> dict[str, Any]:
    """Table 6 of the latest graduates' school year held up to `school_year` (2 queries): `school_year`, `rows`
    ({programme_code, programme_name, qualification, graduates, and each outcome of GraduateEmployment.OUTCOMES})
    and `total` of graduates and of each outcome."""
    rows = _rows_of(GraduateEmployment, institution=institution, visible_to=visible_to)
    year = latest_school_year(rows, until=school_year)
    found = []
    for row in rows.filter(school_year=year).order_by("position", "programme_name", "qualification"):
        found.append(
            {
                "programme_code": row.programme_code,
                "programme_name": row.programme_name,
                "qualification": row.qualification,
                "graduates": row.graduates,
                **{name: getattr(row, name) for name in GraduateEmployment.OUTCOMES},
            }
        )
    keys = ("graduates", *GraduateEmployment.OUTCOMES)
    return {
        "school_year": year.code if year else None,
        "rows": found,
        "total": {key: sum(row[key] for row in found) for key in keys},
    }


def inspection_rows(*, institution: Institution, on: date, visible_to: Viewer) -> list[dict[str, Any]]:
    """Table 7 (1 query): per place and body, the latest opinion issued on or before `on` — {address, body, issued_on,
    school_year, number, conclusion} — ordered by place, then body."""
    latest: dict[tuple[str, str, str], Inspection] = {}
    rows = _rows_of(Inspection, institution=institution, visible_to=visible_to).filter(issued_on__lte=on)
    for row in rows.order_by("issued_on", "pk"):
        latest[(row.address, row.body, row.body_name)] = row  # a later one replaces an earlier one
    return [
        {
            "address": row.address,
            "body": row.body_label,
            "body_code": row.body,
            "body_name": row.body_name,
            "issued_on": row.issued_on,
            "school_year": school_year_code_for(row.issued_on),
            "number": row.number,
            "conclusion": row.conclusion,
        }
        for _key, row in sorted(latest.items(), key=lambda item: (item[0][0], item[1].body, item[0][2]))
    ]


def recommendation_rows(*, institution: Institution, on: date, visible_to: Viewer) -> list[dict[str, Any]]:
    """Section 3 (1 query): the recommendations given on or before `on`, oldest first — {given_on, school_year,
    source (the accreditation's day, or None), recommendation, follow_up, status, done_on}."""
    rows = (
        _rows_of(Recommendation, institution=institution, visible_to=visible_to)
        .filter(given_on__lte=on)
        .select_related("accreditation")
        .order_by("given_on", "pk")
    )
    return [
        {
            "given_on": row.given_on,
            "school_year": school_year_code_for(row.given_on),
            "accredited_on": row.accreditation.accredited_on if row.accreditation else None,
            "recommendation": row.recommendation,
            "follow_up": row.follow_up,
            "status": row.status,
            "done_on": row.done_on,
        }
        for row in rows
    ]


def accredited_programme_rows(
    *, institution: Institution, school_year: SchoolYear, on: date, visible_to: Viewer
) -> list[dict[str, Any]]:
    """Table 1 (4 queries): the institution's programmes with an accreditation in force on `on` or given later in
    the school year, by code — {code, name, qualifications, licence_number, licensed_on, accredited_on, expires_on,
    decision, learners, learners_by_grade: [(grade, learners)]}, the learners counted on `on` as the registry
    counts them (`institution_programme_figures`)."""
    accreditations = (
        Accreditation.objects.visible_to(visible_to)
        .filter(
            institution=institution,
            programme__isnull=False,
            accredited_on__lte=school_year.end_date,
            expires_on__gt=on,
        )
        .select_related("programme")
        .order_by("programme__code", "-accredited_on")
    )
    latest: dict[int, Accreditation] = {}
    for accreditation in accreditations:
        latest.setdefault(accreditation.programme_id, accreditation)
    if not latest:
        return []
    programmes = {row["code"]: row for row in institution_programme_figures(
        institution=institution, school_year=school_year, as_of=on
    )}  # fmt: skip
    licences = {
        licence.programme_id: licence
        for licence in Licence.objects.filter(institution=institution, programme_id__in=list(latest))
    }
    by_grade: dict[int, list[tuple[int | None, int]]] = {}
    for programme_id, grade, learners in (
        Group.objects.filter(institution=institution, school_year=school_year, programme_id__in=list(latest))
        .filter(active_enrolment_filter(school_year=school_year, as_of=on))
        .order_by()
        .values_list("programme_id", "grade")
        .annotate(n=Count("enrolments"))
        .order_by("programme_id", "grade")
    ):
        by_grade.setdefault(programme_id, []).append((grade, learners))
    rows = []
    for programme_id, accreditation in latest.items():
        programme = accreditation.programme
        assert programme is not None  # noqa: S101 - filtered on programme__isnull=False
        figures = programmes.get(programme.code, {})
        licence = licences.get(programme_id)
        rows.append(
            {
                "code": programme.code,
                "name": programme.name,
                "qualifications": figures.get("qualifications", []),
                "licence_number": licence.number if licence else "",
                "licensed_on": licence.issued_on if licence else None,
                "accredited_on": accreditation.accredited_on,
                "expires_on": accreditation.expires_on,
                "decision": accreditation.decision,
                "learners": figures.get("learners", 0),
                "learners_by_grade": by_grade.get(programme_id, []),
            }
        )
    return sorted(rows, key=lambda row: row["code"])

"""Prevention file formats (all or nothing, idempotent):

- absences: `personal_code,institution,date,lessons,excused` (`excused` yes|no); key: personal code and date.
- term_results: `personal_code,institution,school_year,term,subject,grade` (term 1|2|year; grade 1–10 or nv);
  key: personal code, school year, term and subject.

The learner must be in the registry and enrolled in the institution (any time): a school records its own learners.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.imports import (
    ImportResult,
    RowProblem,
    ScopedImporter,
    parse_choice,
    parse_date,
    parse_int,
    parse_required,
)
from eduboard.core.schoolyears import parse_school_year_code, school_year_get_or_create
from eduboard.prevention.choices import NOT_ASSESSED, Term
from eduboard.prevention.models import Absence, TermResult
from eduboard.registry.models import Enrolment, Institution, Learner
from eduboard.registry.validators import mask_personal_code, normalise_personal_code

GRADES = [str(grade) for grade in range(1, 11)] + [NOT_ASSESSED]


class LearnerRowImporter(ScopedImporter):
    """Finds the learner and checks they are enrolled in the institution, which the viewer may change."""

    def prepare(self) -> None:
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))
        self.learners = dict(Learner.objects.values_list("personal_code", "pk"))
        self.enrolled = set(Enrolment.objects.values_list("learner_id", "group__institution_id").distinct())

    def learner_and_institution(self, values: dict[str, str]) -> tuple[int, int]:
        number = parse_required(values, "institution")
        institution_id = self.institutions.get(number)
        if institution_id is None:
            raise RowProblem("institution", _("unknown institution %s") % number)
        if not self.institution_allowed(institution_id):
            raise RowProblem("institution", _("institution %s is not in your scope") % number)
        code = normalise_personal_code(parse_required(values, "personal_code"))
        learner_id = self.learners.get(code)
        if learner_id is None or (learner_id, institution_id) not in self.enrolled:
            raise RowProblem(
                "personal_code", _("no learner %s enrolled in this institution") % mask_personal_code(code)
            )
        return learner_id, institution_id


def save(model: Any, importer: LearnerRowImporter, record: Any, result: ImportResult, key: dict[str, Any],
         values: dict[str, Any]) -> None:  # fmt: skip
    """Create the row of `key`, or update its changed `values` (a versioned edit), or count it unchanged."""
    found = model.objects.filter(**key).first()
    if found is None:
        importer.counted(result, "created", record, label=model.objects.create(**key, **values))
        return
    importer.write_changes(result, record, found, values)


@dataclass(frozen=True)
class AbsenceRow:
    learner_id: int
    institution_id: int
    date: date
    lessons: int
    excused: bool


class AbsenceImporter(LearnerRowImporter):
    """`personal_code,institution,date,lessons,excused`."""

    kind = "absences"
    title = gettext_lazy("Absences")
    permission = "prevention.add_absence"
    columns: ClassVar[list[str]] = ["personal_code", "institution", "date", "lessons", "excused"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "personal_code": gettext_lazy("the learner's personal code (enrolled in the institution)"),
        "institution": gettext_lazy("registration number"),
        "date": "YYYY-MM-DD",
        "lessons": gettext_lazy("lessons missed that day, 1–20"),
        "excused": "yes|no",
    }
    example: ClassVar[list[str]] = ["010110-10006", "9000000011", "2024-10-14", "6", "no"]

    def parse(self, values: dict[str, str]) -> AbsenceRow:
        learner_id, institution_id = self.learner_and_institution(values)
        day = parse_date(values, "date")
        assert day is not None  # noqa: S101 - required=True
        lessons = parse_int(values, "lessons", minimum=1, maximum=20)
        assert lessons is not None  # noqa: S101 - required=True
        excused = parse_choice(values, "excused", ["yes", "no"]) == "yes"
        return AbsenceRow(learner_id, institution_id, day, lessons, excused)

    def key(self, record: AbsenceRow) -> Hashable:
        return (record.learner_id, record.date)

    def describe(self, record: AbsenceRow) -> str:
        return f"{record.date:%d.%m.%Y}"

    def write(self, records: list[AbsenceRow], result: ImportResult) -> None:
        for record in records:
            save(
                Absence, self, record, result,
                {"learner_id": record.learner_id, "date": record.date},
                {"institution_id": record.institution_id, "lessons": record.lessons, "excused": record.excused},
            )  # fmt: skip


@dataclass(frozen=True)
class TermResultRow:
    learner_id: int
    institution_id: int
    school_year: str
    term: str
    subject: str
    grade: str


class TermResultImporter(LearnerRowImporter):
    """`personal_code,institution,school_year,term,subject,grade`."""

    kind = "term_results"
    title = gettext_lazy("Term results")
    permission = "prevention.add_termresult"
    columns: ClassVar[list[str]] = ["personal_code", "institution", "school_year", "term", "subject", "grade"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "personal_code": gettext_lazy("the learner's personal code (enrolled in the institution)"),
        "institution": gettext_lazy("registration number"),
        "school_year": gettext_lazy("e.g. 2024/2025"),
        "term": "1|2|year",
        "subject": gettext_lazy("subject name, e.g. Matemātika"),
        "grade": gettext_lazy("1–10, or nv (not assessed)"),
    }
    example: ClassVar[list[str]] = ["010110-10006", "9000000011", "2024/2025", "1", "Matemātika", "3"]

    def parse(self, values: dict[str, str]) -> TermResultRow:
        learner_id, institution_id = self.learner_and_institution(values)
        text = parse_required(values, "school_year")
        try:
            start = parse_school_year_code(text)
        except ValidationError as error:
            raise RowProblem("school_year", " ".join(error.messages)) from None
        return TermResultRow(
            learner_id,
            institution_id,
            f"{start}/{start + 1}",
            parse_choice(values, "term", Term.values),
            parse_required(values, "subject", max_length=120),
            parse_choice(values, "grade", GRADES),
        )

    def key(self, record: TermResultRow) -> Hashable:
        return (record.learner_id, record.school_year, record.term, record.subject.casefold())

    def write(self, records: list[TermResultRow], result: ImportResult) -> None:
        years: dict[str, int] = {}
        for record in records:
            if record.school_year not in years:
                years[record.school_year] = school_year_get_or_create(code=record.school_year).pk
            save(
                TermResult, self, record, result,
                {"learner_id": record.learner_id, "school_year_id": years[record.school_year], "term": record.term,
                 "subject": record.subject},
                {"institution_id": record.institution_id, "grade": record.grade},
            )  # fmt: skip


IMPORTERS: dict[str, type[ScopedImporter]] = {
    importer.kind: importer for importer in (AbsenceImporter, TermResultImporter)
}

"""Quality file formats: `observations`, `exam_results`, `learner_results` (all or nothing, idempotent).

- observations: `date,institution,observer,teacher,subject,grade,kind,` then one column per criterion code
  of the form in use (optional `strengths`, `suggestions`); key: date, institution, teacher, subject,
  grade, kind, observer.
- exam_results: `year,exam,subject,level,institution,candidates,mean_percent,below_threshold,
  national_mean_percent,type_mean_percent` (optional `grade`); key: the sitting and the institution.
- learner_results: `year,exam,subject,personal_code,percent` (optional `level`, `grade`); key: the sitting
  and the personal code.
- self_assessment: `institution,school_year,framework,criterion,level,description,strengths,next_steps`; key: the
  institution, school year and criterion. A row of an institution and year with no self-assessment starts a
  draft on the framework's newest version; only a draft is written into. A blank level is "not rated".
- head_evaluations: `institution,head_personal_code,evaluated_on,criterion,level` (criterion: a code of the heads'
  framework, 4.1–4.3, or `overall`); key: the head, institution, date and criterion. The board's only.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.imports import (
    Importer,
    ImportFailed,
    ImportResult,
    RowError,
    RowProblem,
    ScopedImporter,
    check,
    parse_choice,
    parse_date,
    parse_int,
    parse_required,
    parse_text,
    save_changes,
    update_fields,
)
from eduboard.core.numbers import CENT
from eduboard.core.schoolyears import parse_school_year_code, school_year_get_or_create
from eduboard.core.scope import sees_whole_city
from eduboard.people.models import Employment, StaffMember
from eduboard.quality import services
from eduboard.quality.choices import (
    FRAMEWORK_AREAS7,
    FRAMEWORK_HEADS,
    FRAMEWORK_MK325,
    PRESCHOOL_GRADUATES_GRADE,
    ExamKind,
    ExamLevel,
    FrameworkKind,
    ObservationKind,
    QualityLevel,
    SelfAssessmentStatus,
)
from eduboard.quality.defaults import DEFAULT_FORM_CODE, criterion_codes
from eduboard.quality.frameworks import OVERALL
from eduboard.quality.models import (
    Answer,
    Criterion,
    ExamResult,
    ExamSitting,
    Framework,
    HeadEvaluation,
    HeadEvaluationLevel,
    LearnerResult,
    Observation,
    ObservationForm,
    SelfAssessment,
    SelfAssessmentEntry,
    Subject,
    sees_heads_evaluations,
)
from eduboard.registry.models import Enrolment, Institution, Learner
from eduboard.registry.validators import mask_personal_code, normalise_personal_code, validate_personal_code

OBSERVATION_COLUMNS = ["date", "institution", "observer", "teacher", "subject", "grade", "kind"]
EXAM_CODES = "|".join(ExamKind.values)
LEVEL_CODES = [level for level in ExamLevel.values if level]


def _subject_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def parse_subject(values: dict[str, str]) -> str:
    """A subject name (spaces tidied); new names become new subjects when the file is saved."""
    return " ".join(parse_required(values, "subject", max_length=120).split())


def parse_percent(values: dict[str, str], column: str, *, required: bool = True) -> Decimal | None:
    """A percentage 0–100 written with a dot (56.58), rounded half up to 2 places; empty when optional."""
    text = values.get(column, "")
    if not text:
        if required:
            raise RowProblem(column, _("a percentage is required (e.g. 56.58)"))
        return None
    if "," in text:
        raise RowProblem(column, _("write the percentage with a dot, e.g. 56.58 (got “%s”)") % text)
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        raise RowProblem(column, _("“%s” is not a percentage") % text) from None
    if not value.is_finite() or value < 0 or value > 100:
        raise RowProblem(column, _("%s is not between 0 and 100") % text)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_year(values: dict[str, str]) -> int:
    """The calendar year of the sitting: `2024`, or a school year `2023/2024` (its exams are in 2024)."""
    text = parse_required(values, "year")
    if "/" in text:
        first, _sep, second = text.partition("/")
        if first.isdigit() and second.isdigit() and int(second) == int(first) + 1:
            return int(second)
        raise RowProblem("year", _("“%s” is not a year (2024) or a school year (2023/2024)") % text)
    if not (text.isdigit() and len(text) == 4 and 1990 <= int(text) <= 2100):
        raise RowProblem("year", _("“%s” is not a year (2024) or a school year (2023/2024)") % text)
    return int(text)


class QualityImporter(ScopedImporter):
    """Looks institutions and subjects up once per pass."""

    def prepare(self) -> None:
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))
        self.subjects = {_subject_key(name): pk for pk, name in Subject.objects.values_list("pk", "name")}

    def institution_id(self, values: dict[str, str]) -> int:
        number = parse_required(values, "institution")
        institution_id = self.institutions.get(number)
        if institution_id is None:
            raise RowProblem("institution", _("unknown institution %s") % number)
        if not self.institution_allowed(institution_id):
            raise RowProblem("institution", _("institution %s is not in your scope") % number)
        return institution_id

    def subject_id(self, name: str) -> int:
        """The id of a subject, created at its first use in the write pass."""
        key = _subject_key(name)
        subject_id = self.subjects.get(key)
        if subject_id is None:
            subject_id = Subject.objects.create(name=name).pk
            self.subjects[key] = subject_id
        return subject_id


class _FormColumns:
    """The observations file's columns: the fixed ones, then the criterion codes of the form in use."""

    def __get__(self, instance: Any, owner: type | None = None) -> list[str]:
        if instance is not None and getattr(instance, "form_columns", None):
            return list(instance.form_columns)
        form = ObservationForm.objects.filter(code=DEFAULT_FORM_CODE).order_by("-version").first()
        if form is None:
            return [*OBSERVATION_COLUMNS, *criterion_codes()]
        codes = Criterion.objects.filter(form=form).order_by("position", "pk").values_list("code", flat=True)
        return [*OBSERVATION_COLUMNS, *codes]


@dataclass(frozen=True)
class ObservationRow:
    on: date
    institution_id: int
    observer_id: int
    teacher_id: int
    subject: str
    grade: str
    kind: str
    answers: tuple[tuple[int, int], ...]  # (criterion id, option id)
    strengths: str
    suggestions: str


class ObservationImporter(QualityImporter):
    """`date,institution,observer,teacher,subject,grade,kind,<criterion codes of the form in use>`."""

    kind = "observations"
    title = gettext_lazy("Lesson observations")
    permission = "quality.add_observation"
    columns: ClassVar[list[str]] = _FormColumns()  # type: ignore[assignment]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"strengths", "suggestions"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "date": gettext_lazy("YYYY-MM-DD, not in the future"),
        "institution": gettext_lazy("registration number"),
        "observer": gettext_lazy("the observer's username"),
        "teacher": gettext_lazy("the observed teacher's personal code (a staff member)"),
        "subject": gettext_lazy("subject name, e.g. Matemātika"),
        "grade": gettext_lazy("grade or group, e.g. 7.b"),
        "kind": "|".join(ObservationKind.values),
        "criteria": gettext_lazy(
            "one column per criterion code of the form in use: yes|partly|no on the default scale"
        ),
        "strengths, suggestions": gettext_lazy("optional free text"),
    }

    @classmethod
    def example_row(cls, header: list[str]) -> list[str]:
        """An example row for the XLSX template (every answer "yes")."""
        example = ["2024-03-12", "9000000011", "observer", "150380-11111", "Matemātika", "7.b", "external"]
        return example + ["yes"] * (len(header) - len(example))

    @classmethod
    def template_csv(cls) -> str:
        """The header of the form in use, alone (so the output can be used as a file's first line)."""
        return ",".join(cls.columns) + "\n"

    @classmethod
    def template_workbook(cls) -> bytes:
        cls.example = cls.example_row(cls.columns)
        try:
            return super().template_workbook()
        finally:
            cls.example = []

    def prepare(self) -> None:
        super().prepare()
        form = ObservationForm.objects.filter(code=DEFAULT_FORM_CODE).order_by("-version").first()
        if form is None:
            raise ImportFailed([RowError(1, "-", _("there is no observation form"))])
        self.form = form
        self.criteria = list(
            Criterion.objects.filter(form=form).select_related("scale").prefetch_related("scale__options")
        )
        self.criteria.sort(key=lambda c: (c.position, c.pk))
        self.form_columns = [*OBSERVATION_COLUMNS, *(c.code for c in self.criteria)]
        self.options = {c.pk: {o.code: o.pk for o in c.scale.options.all()} for c in self.criteria}
        self.users = {name: pk for pk, name in get_user_model().objects.values_list("pk", "username")}
        self.teachers = dict(StaffMember.objects.values_list("personal_code", "pk"))
        # (teacher, institution) -> their rates' (start, end): an observation's teacher works at the institution.
        self.rates: dict[tuple[int, int], list[tuple[date, date | None]]] = {}
        for person, place, start, end in Employment.objects.values_list(
            "staff_member_id", "institution_id", "start_date", "end_date"
        ):
            self.rates.setdefault((person, place), []).append((start, end))
        self.today = timezone.localdate()

    def parse(self, values: dict[str, str]) -> ObservationRow:
        on = parse_date(values, "date")
        assert on is not None  # noqa: S101 - required=True
        if on > self.today:
            raise RowProblem("date", _("%s is in the future") % on.isoformat())
        institution_id = self.institution_id(values)
        username = parse_required(values, "observer")
        observer_id = self.users.get(username)
        if observer_id is None:
            raise RowProblem("observer", _("no user with the username %s") % username)
        code = normalise_personal_code(parse_required(values, "teacher"))
        check("teacher", validate_personal_code, code)
        teacher_id = self.teachers.get(code)
        rates = self.rates.get((teacher_id, institution_id), []) if teacher_id is not None else []
        if teacher_id is None or not any(start <= on and (end is None or end >= on) for start, end in rates):
            # The same answer for a code nobody has: a code is never confirmed to belong to someone elsewhere.
            raise RowProblem(
                "teacher",
                _("no teacher with the personal code %s works at this institution on that date")
                % mask_personal_code(code),
            )
        subject = parse_subject(values)
        grade = parse_required(values, "grade", max_length=40)
        kind = parse_choice(values, "kind", ObservationKind.values)
        if kind == ObservationKind.EXTERNAL and not sees_whole_city(self.viewer):
            raise RowProblem("kind", _("only the board's observers record external observations"))
        answers = []
        for criterion in self.criteria:
            options = self.options[criterion.pk]
            answer = parse_choice(values, criterion.code, list(options))
            answers.append((criterion.pk, options[answer]))
        return ObservationRow(
            on,
            institution_id,
            observer_id,
            teacher_id,
            subject,
            grade,
            kind,
            tuple(answers),
            parse_text(values, "strengths", max_length=10_000),
            parse_text(values, "suggestions", max_length=10_000),
        )

    def key(self, record: ObservationRow) -> Hashable:
        return (
            record.on,
            record.institution_id,
            record.teacher_id,
            _subject_key(record.subject),
            record.grade,
            record.kind,
            record.observer_id,
        )

    def write(self, records: list[ObservationRow], result: ImportResult) -> None:
        existing: dict[Hashable, Observation] = {}
        candidates = Observation.objects.filter(
            date__in={r.on for r in records}, teacher_id__in={r.teacher_id for r in records}
        ).select_related("subject")
        for observation in candidates:
            existing[
                (
                    observation.date,
                    observation.institution_id,
                    observation.teacher_id,
                    _subject_key(observation.subject.name),
                    observation.grade,
                    observation.kind,
                    observation.observer_id,
                )
            ] = observation
        answers_of: dict[int, dict[int, int]] = {}
        for observation_id, criterion_id, option_id in Answer.objects.filter(
            observation__in=[o.pk for o in existing.values()]
        ).values_list("observation_id", "criterion_id", "option_id"):
            answers_of.setdefault(observation_id, {})[criterion_id] = option_id
        observers = get_user_model().objects.filter(pk__in={r.observer_id for r in records})
        names = {user.pk: user.get_full_name() or user.get_username() for user in observers}
        new_answers: list[Answer] = []
        for record in records:
            wanted = dict(record.answers)
            found = existing.get(self.key(record))
            if found is None:
                observation = Observation.objects.create(
                    form=self.form,
                    date=record.on,
                    institution_id=record.institution_id,
                    kind=record.kind,
                    observer_id=record.observer_id,
                    observer_name=names.get(record.observer_id, "")[:160],
                    teacher_id=record.teacher_id,
                    subject_id=self.subject_id(record.subject),
                    grade=record.grade,
                    strengths=record.strengths,
                    suggestions=record.suggestions,
                )
                existing[self.key(record)] = observation
                answers_of[observation.pk] = wanted
                new_answers += [Answer(observation=observation, criterion_id=c, option_id=o) for c, o in wanted.items()]
                self.counted(result, "created", record, label=observation)
                continue
            observation = found
            same = (
                observation.form_id == self.form.pk
                and answers_of.get(observation.pk) == wanted
                and (observation.strengths, observation.suggestions) == (record.strengths, record.suggestions)
            )
            if same:
                self.counted(result, "unchanged", record)
                continue
            changes = {
                name: (before, after)
                for name, before, after in (
                    ("form", observation.form_id, self.form.pk),
                    ("answers", len(answers_of.get(observation.pk, {})), len(wanted)),
                    ("strengths", observation.strengths, record.strengths),
                    ("suggestions", observation.suggestions, record.suggestions),
                )
                if before != after or (name == "answers" and answers_of.get(observation.pk) != wanted)
            }
            observation.form = self.form
            observation.strengths, observation.suggestions = record.strengths, record.suggestions
            observation.save()
            Answer.objects.filter(observation=observation).delete()
            new_answers += [Answer(observation=observation, criterion_id=c, option_id=o) for c, o in wanted.items()]
            answers_of[observation.pk] = wanted
            self.counted(result, "updated", record, changes, label=observation)
        Answer.objects.bulk_create(new_answers, batch_size=2000)


@dataclass(frozen=True)
class SittingKey:
    year: int
    exam: str
    subject: str
    level: str
    grade: int | None


def parse_sitting(values: dict[str, str]) -> SittingKey:
    """The sitting a row belongs to: year, exam, subject, level (optional) and grade (optional)."""
    year = parse_year(values)
    exam = parse_choice(values, "exam", ExamKind.values)
    subject = parse_subject(values)
    level = parse_choice(values, "level", LEVEL_CODES, default="")
    # Grade 0: the preschool's last year (its graduates), in a city monitoring test only.
    grade = parse_int(
        values,
        "grade",
        required=False,
        minimum=PRESCHOOL_GRADUATES_GRADE if exam == ExamKind.MONITORING else 1,
        maximum=12,
    )
    return SittingKey(year, exam, subject, level, grade)


SittingLookup = tuple[int, str, str, str, int | None]


def sitting_lookup(key: SittingKey) -> SittingLookup:
    """A sitting's key with its subject name folded, so `Matemātika` and `matemātika ` are one sitting."""
    return (key.year, key.exam, _subject_key(key.subject), key.level, key.grade)


def save_row(
    model: type[Any],
    current: dict[Hashable, Any],
    key: Hashable,
    *,
    identity: dict[str, Any],
    values: dict[str, Any],
    importer: Importer,
    record: Any,
    result: ImportResult,
) -> None:
    """Create the row `key` (identity + values), update it when its values differ, and count which it was
    (with the change log's entry)."""
    existing = current.get(key)
    if existing is None:
        current[key] = created = model.objects.create(**identity, **values)
        importer.counted(result, "created", record, label=created)
        return
    changes = update_fields(existing, values)
    if changes:
        existing.save()  # an exam's results carry no version
        importer.counted(result, "updated", record, changes, label=existing)
    else:
        importer.counted(result, "unchanged", record)


class SittingImporter(QualityImporter):
    """Finds or creates sittings by (year, exam, subject, level, grade)."""

    def sitting(self, key: SittingKey) -> ExamSitting:
        cache: dict[SittingLookup, ExamSitting] = self.__dict__.setdefault("_sittings", {})
        lookup = sitting_lookup(key)
        found = cache.get(lookup)
        if found is None:
            subject_id = self.subject_id(key.subject)
            found, _created = ExamSitting.objects.get_or_create(
                year=key.year, exam=key.exam, subject_id=subject_id, level=key.level, grade=key.grade
            )
            cache[lookup] = found
        return found


@dataclass(frozen=True)
class ExamResultRow:
    sitting: SittingKey
    institution_id: int
    candidates: int
    mean_percent: Decimal | None
    below_threshold: int | None
    national_mean_percent: Decimal | None
    type_mean_percent: Decimal | None


class ExamResultImporter(SittingImporter):
    """`year,exam,subject,level,institution,candidates,mean_percent,below_threshold,national_mean_percent,type_mean_percent`."""

    kind = "exam_results"
    title = gettext_lazy("Exam results of institutions")
    permission = "quality.add_examresult"
    columns: ClassVar[list[str]] = [
        "year",
        "exam",
        "subject",
        "level",
        "institution",
        "candidates",
        "mean_percent",
        "below_threshold",
        "national_mean_percent",
        "type_mean_percent",
        "grade",
    ]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"grade"})
    identity_column = "national_mean_percent"
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "year": gettext_lazy("the year of the exam (2024) or its school year (2023/2024)"),
        "exam": EXAM_CODES,
        "subject": gettext_lazy("subject name, e.g. Matemātika"),
        "level": gettext_lazy("optimal|higher, or empty"),
        "institution": gettext_lazy("registration number"),
        "candidates": gettext_lazy("a whole number above zero"),
        "mean_percent": gettext_lazy(
            "0–100 with a dot, e.g. 48.4; empty only for a monitoring test assessed by criteria"
        ),
        "below_threshold": gettext_lazy("candidates below the pass threshold, or empty"),
        "national_mean_percent": gettext_lazy("0–100 with a dot, or empty"),
        "type_mean_percent": gettext_lazy("the mean of the institution's type, 0–100 with a dot, or empty"),
        "grade": gettext_lazy("optional: the grade of a monitoring test (1–12; 0 for the preschools' graduates)"),
    }
    example: ClassVar[list[str]] = [
        "2024", "ce_basic", "Matemātika", "", "9000000011", "52", "42.3", "4", "43.2", "", "",
    ]  # fmt: skip

    def identity_message(self) -> str:
        return _("the same sitting has another national mean in an earlier row")

    def parse(self, values: dict[str, str]) -> ExamResultRow:
        sitting = parse_sitting(values)
        institution_id = self.institution_id(values)
        candidates = parse_int(values, "candidates", minimum=1, maximum=1_000_000)
        assert candidates is not None  # noqa: S101 - required=True
        # A city monitoring test may be assessed by criteria, without a mean (seed 002's preschool graduates).
        mean = parse_percent(values, "mean_percent", required=sitting.exam != ExamKind.MONITORING)
        below = parse_int(values, "below_threshold", required=False, minimum=0, maximum=1_000_000)
        if below is not None and below > candidates:
            raise RowProblem("below_threshold", _("%(below)d is more than the %(all)d candidates") % {
                "below": below, "all": candidates,
            })  # fmt: skip
        return ExamResultRow(
            sitting,
            institution_id,
            candidates,
            mean,
            below,
            parse_percent(values, "national_mean_percent", required=False),
            parse_percent(values, "type_mean_percent", required=False),
        )

    def key(self, record: ExamResultRow) -> Hashable:
        return (sitting_lookup(record.sitting), record.institution_id)

    def identity(self, record: ExamResultRow) -> tuple[Hashable, Hashable] | None:
        if record.national_mean_percent is None:
            return None
        return (sitting_lookup(record.sitting), record.national_mean_percent)

    def write(self, records: list[ExamResultRow], result: ImportResult) -> None:
        sittings = {id(record): self.sitting(record.sitting) for record in records}
        current: dict[Hashable, Any] = {
            (r.sitting_id, r.institution_id): r
            for r in ExamResult.objects.filter(sitting__in={s.pk for s in sittings.values()})
        }
        for record in records:
            sitting = sittings[id(record)]
            if (
                record.national_mean_percent is not None
                and sitting.national_mean_percent != record.national_mean_percent
            ):
                sitting.national_mean_percent = record.national_mean_percent
                sitting.save(update_fields=["national_mean_percent"])
            values = {
                "candidates": record.candidates,
                "mean_percent": record.mean_percent,
                "below_threshold": record.below_threshold,
                "national_mean_percent": record.national_mean_percent,
                "type_mean_percent": record.type_mean_percent,
            }
            save_row(
                ExamResult,
                current,
                (sitting.pk, record.institution_id),
                identity={"sitting": sitting, "institution_id": record.institution_id},
                values=values,
                importer=self,
                record=record,
                result=result,
            )


@dataclass(frozen=True)
class LearnerResultRow:
    sitting: SittingKey
    personal_code: str
    percent: Decimal


class LearnerResultImporter(SittingImporter):
    """`year,exam,subject,personal_code,percent` (optional `level`, `grade`)."""

    kind = "learner_results"
    title = gettext_lazy("Learners' exam results")
    permission = "quality.add_learnerresult"
    columns: ClassVar[list[str]] = ["year", "exam", "subject", "personal_code", "percent", "level", "grade"]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"level", "grade"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "year": gettext_lazy("the year of the test (2024) or its school year (2023/2024)"),
        "exam": EXAM_CODES,
        "subject": gettext_lazy("subject name, e.g. Latviešu valoda"),
        "personal_code": gettext_lazy("the learner's personal code; their school comes from the registry's enrolments"),
        "percent": gettext_lazy("0–100 with a dot, e.g. 18.5"),
        "level": gettext_lazy("optional: optimal|higher"),
        "grade": gettext_lazy("optional: the grade (1–12), e.g. 7 for the grade-7 monitoring test"),
    }
    example: ClassVar[list[str]] = ["2024", "monitoring", "Latviešu valoda", "010110-10006", "18.5", "", "7"]

    def parse(self, values: dict[str, str]) -> LearnerResultRow:
        if not sees_whole_city(self.viewer):
            raise RowProblem("personal_code", _("learners' results are imported by the board"))
        sitting = parse_sitting(values)
        code = normalise_personal_code(parse_required(values, "personal_code"))
        check("personal_code", validate_personal_code, code)
        value = parse_percent(values, "percent")
        assert value is not None  # noqa: S101 - required=True
        return LearnerResultRow(sitting, code, value)

    def key(self, record: LearnerResultRow) -> Hashable:
        return (*sitting_lookup(record.sitting), record.personal_code)

    def write(self, records: list[LearnerResultRow], result: ImportResult) -> None:
        codes = {r.personal_code for r in records}
        learners = dict(Learner.objects.filter(personal_code__in=codes).values_list("personal_code", "pk"))
        schools = learner_schools(learners, years={r.sitting.year for r in records})
        sittings = {id(record): self.sitting(record.sitting) for record in records}
        current: dict[Hashable, Any] = {
            (r.sitting_id, r.personal_code): r
            for r in LearnerResult.objects.filter(
                sitting__in={s.pk for s in sittings.values()}, personal_code__in=codes
            )
        }
        for record in records:
            sitting = sittings[id(record)]
            learner_id = learners.get(record.personal_code)
            institution_id = schools.get((learner_id, sitting.year)) if learner_id else None
            values = {"percent": record.percent, "learner_id": learner_id, "institution_id": institution_id}
            save_row(
                LearnerResult,
                current,
                (sitting.pk, record.personal_code),
                identity={"sitting": sitting, "personal_code": record.personal_code},
                values=values,
                importer=self,
                record=record,
                result=result,
            )


def learner_schools(learners: dict[str, int], *, years: set[int]) -> dict[tuple[int, int], int]:
    """(learner id, year) -> the institution of the learner's enrolment on 1 May of that year (1 query).

    When no enrolment holds on that day, the latest one begun before it counts.
    """
    if not learners:
        return {}
    best: dict[tuple[int, int], tuple[tuple[bool, date], int]] = {}
    rows = Enrolment.objects.filter(learner_id__in=list(learners.values())).values_list(
        "learner_id", "group__institution_id", "enrolled_on", "left_on"
    )
    for learner_id, institution_id, enrolled_on, left_on in rows:
        for year in years:
            day = date(year, 5, 1)
            if enrolled_on > day:
                continue
            rank = (left_on is None or left_on >= day, enrolled_on)
            known = best.get((learner_id, year))
            if known is None or rank > known[0]:
                best[(learner_id, year)] = (rank, institution_id)
    return {key: institution_id for key, (_rank, institution_id) in best.items()}


# Levels as files give them: the codes, or the Latvian words seed 003 writes ("ļoti labi").
LEVEL_WORDS = {
    "izcili": QualityLevel.EXCELLENT.value,
    "ļoti labi": QualityLevel.VERY_GOOD.value,
    "labi": QualityLevel.GOOD.value,
    "jāpilnveido": QualityLevel.NEEDS_IMPROVEMENT.value,
    "nepietiekami": QualityLevel.INSUFFICIENT.value,
}
QUALITY_LEVEL_CODES = "|".join(QualityLevel.values)
TEXT_LIMIT = 20_000


def parse_level(values: dict[str, str], column: str = "level", *, required: bool) -> str:
    """A level code (or its Latvian word); blank is "not rated" where that is allowed."""
    text = values.get(column, "")
    if not text:
        if required:
            raise RowProblem(column, _("a level is required: %s") % QUALITY_LEVEL_CODES)
        return ""
    level = text if text in QualityLevel.values else LEVEL_WORDS.get(text.lower())
    if level is None:
        raise RowProblem(
            column, _("“%(value)s” is not one of %(allowed)s") % {"value": text, "allowed": QUALITY_LEVEL_CODES}
        )
    return level


def newest_frameworks(kind: str) -> dict[str, Framework]:
    """Code -> the newest version of each framework of `kind` (with its criteria by code)."""
    newest: dict[str, Framework] = {}
    for framework in Framework.objects.filter(kind=kind).order_by("code", "-version").prefetch_related("criteria"):
        newest.setdefault(framework.code, framework)
    return newest


@dataclass(frozen=True)
class SelfAssessmentRow:
    institution_id: int
    school_year: str
    framework: str
    criterion: str
    level: str
    description: str
    strengths: str
    next_steps: str


class SelfAssessmentImporter(QualityImporter):
    """`institution,school_year,framework,criterion,level,description,strengths,next_steps`."""

    kind = "self_assessment"
    title = gettext_lazy("Self-assessments")
    permission = "quality.change_selfassessmententry"
    columns: ClassVar[list[str]] = [
        "institution", "school_year", "framework", "criterion", "level", "description", "strengths", "next_steps",
    ]  # fmt: skip
    identity_column = "framework"
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "institution": gettext_lazy("registration number"),
        "school_year": gettext_lazy("e.g. 2024/2025"),
        "framework": f"{FRAMEWORK_MK325}|{FRAMEWORK_AREAS7}",
        "criterion": gettext_lazy("a criterion code of the framework, e.g. 2.1 (areas7 rates area 1 as a whole: 1)"),
        "level": format_lazy(
            gettext_lazy("{codes} (or izcili, ļoti labi, labi, jāpilnveido, nepietiekami); empty: not rated"),
            codes=QUALITY_LEVEL_CODES,
        ),
        "description": gettext_lazy("what the institution found"),
        "strengths": gettext_lazy("achievements we are proud of"),
        "next_steps": gettext_lazy("further development"),
    }
    example: ClassVar[list[str]] = [
        "9000000011", "2024/2025", FRAMEWORK_AREAS7, "2.1", "good", "Stundās ir skaidri mērķi.",
        "Pedagogu pieredzes apmaiņa.", "Digitālo rīku izmantošana.",
    ]  # fmt: skip

    def prepare(self) -> None:
        super().prepare()
        self.frameworks = newest_frameworks(FrameworkKind.INSTITUTION)
        self.criteria = {code: {c.code for c in f.criteria.all()} for code, f in self.frameworks.items()}
        self.existing = {
            (institution_id, year): (status, framework)
            for institution_id, year, status, framework in SelfAssessment.objects.values_list(
                "institution_id", "school_year__code", "status", "framework__code"
            )
        }

    def parse(self, values: dict[str, str]) -> SelfAssessmentRow:
        institution_id = self.institution_id(values)
        year = parse_required(values, "school_year")
        try:
            start = parse_school_year_code(year)
        except DjangoValidationError as error:
            raise RowProblem("school_year", " ".join(error.messages)) from None
        year = f"{start}/{start + 1}"
        framework = parse_choice(values, "framework", sorted(self.frameworks))
        criterion = parse_required(values, "criterion", max_length=10)
        if criterion not in self.criteria[framework]:
            raise RowProblem(
                "criterion",
                _("%(framework)s has no criterion “%(code)s” (its codes: %(codes)s)")
                % {"framework": framework, "code": criterion, "codes": ", ".join(sorted(self.criteria[framework]))},
            )
        existing = self.existing.get((institution_id, year))
        if existing is not None:
            status, framework_in_use = existing
            if status != SelfAssessmentStatus.DRAFT:
                raise RowProblem(
                    "school_year",
                    _("the self-assessment of %(year)s is %(status)s: only a draft takes imported rows")
                    % {"year": year, "status": str(SelfAssessmentStatus(status).label).lower()},
                )
            if framework_in_use != framework:
                raise RowProblem(
                    "framework",
                    _("the self-assessment of %(year)s is on %(framework)s")
                    % {"year": year, "framework": framework_in_use},
                )
        return SelfAssessmentRow(
            institution_id,
            year,
            framework,
            criterion,
            parse_level(values, required=False),
            parse_text(values, "description", max_length=TEXT_LIMIT),
            parse_text(values, "strengths", max_length=TEXT_LIMIT),
            parse_text(values, "next_steps", max_length=TEXT_LIMIT),
        )

    def key(self, record: SelfAssessmentRow) -> Hashable:
        return (record.institution_id, record.school_year, record.criterion)

    def identity(self, record: SelfAssessmentRow) -> tuple[Hashable, Hashable] | None:
        return ((record.institution_id, record.school_year), record.framework)

    def identity_message(self) -> str:
        return _("an earlier row gives this institution and school year another framework")

    def describe(self, record: SelfAssessmentRow) -> str:
        return f"{record.school_year} {record.criterion}"

    def write(self, records: list[SelfAssessmentRow], result: ImportResult) -> None:
        assessments: dict[tuple[int, str], tuple[SelfAssessment, bool]] = {}
        changed: set[tuple[int, str]] = set()
        for record in records:
            place = (record.institution_id, record.school_year)
            if place not in assessments:
                assessments[place] = self._assessment(record)
            assessment, started = assessments[place]
            entry = assessment.entries.select_for_update().filter(criterion__code=record.criterion).first()
            if entry is None:  # a framework's criterion added after the draft was started
                entry = SelfAssessmentEntry.objects.create(
                    self_assessment=assessment, criterion=assessment.framework.criteria.get(code=record.criterion)
                )
            wanted = {
                "level": record.level,
                "description": record.description,
                "strengths": record.strengths,
                "next_steps": record.next_steps,
            }
            changes = update_fields(entry, wanted)
            if changes:
                save_changes(entry, changes)
            if changes and not started:
                changed.add(place)
            if started:
                self.counted(result, "created", record, changes, label=entry)
            elif changes:
                self.counted(result, "updated", record, changes, label=entry)
            else:
                self.counted(result, "unchanged", record)
        for place in changed:  # an imported edit is an edit of the whole self-assessment too (core.versions)
            save_changes(assessments[place][0], {})

    def _assessment(self, record: SelfAssessmentRow) -> tuple[SelfAssessment, bool]:
        """The draft the record goes into (locked), or a new one started on the framework's newest version."""
        found = (
            SelfAssessment.objects.select_for_update()
            .filter(institution_id=record.institution_id, school_year__code=record.school_year)
            .first()
        )
        if found is None:
            institution = Institution.objects.get(pk=record.institution_id)
            started = services.self_assessment_start(
                institution=institution,
                school_year=school_year_get_or_create(code=record.school_year),
                framework=self.frameworks[record.framework],
                viewer=self.viewer,
            )
            return started, True
        if found.status != SelfAssessmentStatus.DRAFT:  # changed since the check: refuse the whole file
            raise ImportFailed(
                [
                    RowError(
                        self._chunk_rows.get(id(record), 0),
                        "school_year",
                        _("the self-assessment is no longer a draft"),
                    )
                ]
            )
        return found, False


@dataclass(frozen=True)
class HeadEvaluationRow:
    institution_id: int
    head_id: int
    evaluated_on: date
    criterion: str
    level: str


class HeadEvaluationImporter(QualityImporter):
    """`institution,head_personal_code,evaluated_on,criterion,level` (criterion 4.1–4.3 or `overall`)."""

    kind = "head_evaluations"
    title = gettext_lazy("Heads' professional evaluations")
    permission = "quality.add_headevaluation"
    columns: ClassVar[list[str]] = ["institution", "head_personal_code", "evaluated_on", "criterion", "level"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "institution": gettext_lazy("registration number"),
        "head_personal_code": gettext_lazy("the head's personal code (a staff member employed in the institution)"),
        "evaluated_on": "YYYY-MM-DD",
        "criterion": format_lazy(
            gettext_lazy("4.1|4.2|4.3 (the heads' framework {framework}) or {overall}"),
            framework=FRAMEWORK_HEADS,
            overall=OVERALL,
        ),
        "level": format_lazy(
            gettext_lazy("{codes} (or izcili, ļoti labi, labi, jāpilnveido, nepietiekami)"), codes=QUALITY_LEVEL_CODES
        ),
    }
    example: ClassVar[list[str]] = ["9000000011", "150380-11111", "2024-05-31", OVERALL, "very_good"]

    def prepare(self) -> None:
        super().prepare()
        self.framework = newest_frameworks(FrameworkKind.HEAD).get(FRAMEWORK_HEADS)
        self.criteria = {c.code for c in self.framework.criteria.all()} if self.framework else set()
        self.staff = dict(StaffMember.objects.values_list("personal_code", "pk"))
        self.employed = set(Employment.objects.values_list("staff_member_id", "institution_id").distinct())

    def parse(self, values: dict[str, str]) -> HeadEvaluationRow:
        if not sees_whole_city(self.viewer) or not sees_heads_evaluations(self.viewer):
            raise RowProblem("institution", _("heads' evaluations are imported by the board"))
        if self.framework is None:
            raise RowProblem("criterion", _("the heads' framework %s is missing") % FRAMEWORK_HEADS)
        institution_id = self.institution_id(values)
        code = normalise_personal_code(parse_required(values, "head_personal_code"))
        head_id = self.staff.get(code)
        if head_id is None:
            raise RowProblem("head_personal_code", _("no staff member %s") % mask_personal_code(code))
        if (head_id, institution_id) not in self.employed:
            raise RowProblem(
                "head_personal_code", _("%s has no employment in this institution") % mask_personal_code(code)
            )
        evaluated_on = parse_date(values, "evaluated_on")
        assert evaluated_on is not None  # noqa: S101 - required=True
        criterion = parse_choice(values, "criterion", [*sorted(self.criteria), OVERALL])
        return HeadEvaluationRow(institution_id, head_id, evaluated_on, criterion, parse_level(values, required=True))

    def key(self, record: HeadEvaluationRow) -> Hashable:
        return (record.head_id, record.institution_id, record.evaluated_on, record.criterion)

    def describe(self, record: HeadEvaluationRow) -> str:
        return f"{record.evaluated_on:%d.%m.%Y} {record.criterion}"

    def write(self, records: list[HeadEvaluationRow], result: ImportResult) -> None:
        assert self.framework is not None  # noqa: S101 - parse refused every row without it
        criteria = {c.code: c for c in self.framework.criteria.all()}
        evaluations: dict[tuple[int, int, date], HeadEvaluation] = {}
        for record in records:
            place = (record.head_id, record.institution_id, record.evaluated_on)
            evaluation = evaluations.get(place)
            if evaluation is None:
                evaluation = (
                    HeadEvaluation.objects.select_for_update()
                    .filter(head_id=place[0], institution_id=place[1], evaluated_on=place[2])
                    .first()
                )
                if evaluation is None:
                    evaluation = HeadEvaluation.objects.create(
                        head_id=place[0], institution_id=place[1], evaluated_on=place[2], framework=self.framework
                    )
                evaluations[place] = evaluation
            if record.criterion == OVERALL:
                old = evaluation.overall_level
                if changes := update_fields(evaluation, {"overall_level": record.level}):
                    save_changes(evaluation, changes)
            else:
                level_row = HeadEvaluationLevel.objects.filter(
                    evaluation=evaluation, criterion=criteria[record.criterion]
                ).first()
                old = level_row.level if level_row else ""
                if level_row is None:
                    HeadEvaluationLevel.objects.create(
                        evaluation=evaluation, criterion=criteria[record.criterion], level=record.level
                    )
                elif old != record.level:
                    level_row.level = record.level
                    level_row.save(update_fields=["level"])
                if old != record.level:  # a level's edit is an edit of the evaluation (core.versions)
                    save_changes(evaluation, {})
            if old == record.level:
                self.counted(result, "unchanged", record)
            else:
                self.counted(result, "created" if not old else "updated", record, {"level": (old, record.level)})


IMPORTERS: dict[str, type[ScopedImporter]] = {
    importer.kind: importer
    for importer in (
        ObservationImporter,
        ExamResultImporter,
        LearnerResultImporter,
        SelfAssessmentImporter,
        HeadEvaluationImporter,
    )
}

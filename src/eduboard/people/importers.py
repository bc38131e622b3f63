"""People file formats: `staff` and `vacancies` (all or nothing, idempotent by natural key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.imports import (
    ImportResult,
    RowProblem,
    ScopedImporter,
    check,
    parse_date,
    parse_required,
    parse_text,
    save_changes,
    update_fields,
)
from eduboard.people.models import Employment, PositionKind, StaffMember, Vacancy
from eduboard.people.selectors import fte_warning
from eduboard.registry.models import Institution
from eduboard.registry.validators import normalise_personal_code, validate_personal_code

POSITION_CODES = [
    "preschool_teacher",
    "subject_teacher",
    "speech_therapist",
    "psychologist",
    "special_educator",
    "assistant",
    "librarian",
    "head",
    "deputy_head",
    "other",
]


def parse_fte(values: dict[str, str], column: str) -> Decimal:
    """An FTE rate above zero with at most three decimals; a decimal comma is accepted (3,221)."""
    text = parse_required(values, column).replace(",", ".")
    try:
        fte = Decimal(text)
    except InvalidOperation:
        raise RowProblem(column, _("“%s” is not a number") % text) from None
    if not fte.is_finite() or fte <= 0:
        raise RowProblem(column, _("the FTE rate must be above zero"))
    if fte.as_tuple().exponent < -3:  # type: ignore[operator]
        raise RowProblem(column, _("the FTE rate has at most three decimals (e.g. 3.221)"))
    if fte >= 1000:
        raise RowProblem(column, _("the FTE rate must be below 1000"))
    return fte


class PeopleImporter(ScopedImporter):
    """Looks institutions and positions up once per pass."""

    def prepare(self) -> None:
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))
        self.positions = dict(PositionKind.objects.values_list("code", "pk"))

    def institution_id(self, values: dict[str, str]) -> int:
        number = parse_required(values, "institution")
        institution_id = self.institutions.get(number)
        if institution_id is None:
            raise RowProblem("institution", _("unknown institution %s") % number)
        if not self.institution_allowed(institution_id):
            raise RowProblem("institution", _("institution %s is not in your scope") % number)
        return institution_id

    def position_id(self, values: dict[str, str]) -> int:
        code = values.get("position", "")
        position_id = self.positions.get(code)
        if position_id is None:
            raise RowProblem(
                "position",
                _("“%(value)s” is not one of %(allowed)s")
                % {"value": code, "allowed": "|".join(sorted(self.positions))},
            )
        return position_id


@dataclass(frozen=True)
class StaffRow:
    personal_code: str
    first_name: str
    last_name: str
    institution_id: int
    position_id: int
    subject: str
    fte: Decimal
    start_date: date
    end_date: date | None


class StaffImporter(PeopleImporter):
    """`personal_code,first_name,last_name,institution,position,subject,fte,start_date,end_date`."""

    kind = "staff"
    title = gettext_lazy("Staff and their rates")
    permission = "people.add_employment"
    identity_column = "personal_code"
    columns: ClassVar[list[str]] = [
        "personal_code",
        "first_name",
        "last_name",
        "institution",
        "position",
        "subject",
        "fte",
        "start_date",
        "end_date",
    ]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "personal_code": gettext_lazy("DDMMYY-XNNNN (with a valid check digit) or 32XXXX-XXXXX"),
        "institution": gettext_lazy("registration number"),
        "position": "|".join(POSITION_CODES),
        "subject": gettext_lazy("free text, empty where none"),
        "fte": gettext_lazy("above zero, up to three decimals: 0.5, 1, 3.221"),
        "start_date": "YYYY-MM-DD",
        "end_date": gettext_lazy("YYYY-MM-DD (the last day) or empty"),
    }
    example: ClassVar[list[str]] = [
        "150380-11111",
        "Inese",
        "Kalniņa",
        "9000000011",
        "subject_teacher",
        "matemātika",
        "1",
        "2024-09-01",
        "",
    ]

    def prepare(self) -> None:
        super().prepare()
        self.warnings: list[str] = []
        self.numbers: dict[int, str] | None = None  # institution id -> registration number, for the change log

    def parse(self, values: dict[str, str]) -> StaffRow:
        code = normalise_personal_code(parse_required(values, "personal_code"))
        check("personal_code", validate_personal_code, code)
        institution_id = self.institution_id(values)
        position_id = self.position_id(values)
        fte = parse_fte(values, "fte")
        start = parse_date(values, "start_date")
        assert start is not None  # noqa: S101 - required=True
        end = parse_date(values, "end_date", required=False)
        if end is not None and end < start:
            raise RowProblem("end_date", _("the end is before the start (%s)") % start.isoformat())
        return StaffRow(
            code,
            parse_required(values, "first_name", max_length=80),
            parse_required(values, "last_name", max_length=80),
            institution_id,
            position_id,
            parse_text(values, "subject", max_length=120),
            fte,
            start,
            end,
        )

    def key(self, record: StaffRow) -> tuple[str, int, int, str, date]:
        return (record.personal_code, record.institution_id, record.position_id, record.subject, record.start_date)

    def identity(self, record: StaffRow) -> tuple[str, tuple[str, str]]:
        """One personal code, one person: the same names in every row."""
        return (record.personal_code, (record.first_name, record.last_name))

    def identity_message(self) -> str:
        return _("the same personal code has another name in an earlier row")

    def logged(
        self, record: StaffRow, action: str, person: StaffMember, changes: dict[str, tuple[Any, Any]] | None = None
    ) -> None:
        """A staff member's own change, in the change log (the job counts employments)."""
        if self.change_log is not None:
            self.counted(ImportResult(), action, record, changes, label=self.person_label(person))

    @staticmethod
    def person_label(person: StaffMember) -> str:
        return f"staff member {person.masked_code} {person.first_name} {person.last_name}"

    def employment_label(self, person: StaffMember, employment: Employment) -> str:
        if not self.names_rows:
            return ""
        if self.numbers is None:
            self.numbers = {pk: number for number, pk in self.institutions.items()}
        return (
            f"employment of {person.masked_code} at {self.numbers.get(employment.institution_id, '')} "
            f"from {employment.start_date.isoformat()}"
        )

    def write(self, records: list[StaffRow], result: ImportResult) -> None:
        codes = {r.personal_code for r in records}
        people = {p.personal_code: p for p in StaffMember.objects.select_for_update().filter(personal_code__in=codes)}
        for record in records:
            person = people.get(record.personal_code)
            if person is None:
                person = StaffMember.objects.create(
                    personal_code=record.personal_code, first_name=record.first_name, last_name=record.last_name
                )
                people[record.personal_code] = person
                self.logged(record, "created", person)
            elif changes := update_fields(person, {"first_name": record.first_name, "last_name": record.last_name}):
                save_changes(person, changes)
                self.logged(record, "updated", person, changes)
        current = {
            (e.staff_member_id, e.institution_id, e.position_id, e.subject, e.start_date): e
            for e in Employment.objects.select_for_update().filter(staff_member__in=list(people.values()))
        }
        touched: set[int] = set()
        for record in records:
            person = people[record.personal_code]
            key = (person.pk, record.institution_id, record.position_id, record.subject, record.start_date)
            employment = current.get(key)
            if employment is None:
                employment = Employment.objects.create(
                    staff_member=person,
                    institution_id=record.institution_id,
                    position_id=record.position_id,
                    subject=record.subject,
                    fte=record.fte,
                    start_date=record.start_date,
                    end_date=record.end_date,
                )
                self.counted(result, "created", record, label=self.employment_label(person, employment))
                touched.add(person.pk)
            elif self.write_changes(
                result,
                record,
                employment,
                {"fte": record.fte, "end_date": record.end_date},
                label=self.employment_label(person, employment),
            ):
                touched.add(person.pk)
        for person in people.values():
            if person.pk in touched:
                warning = fte_warning(staff_member=person, start_date=date.min, end_date=None)
                if warning:
                    self.warnings.append(warning)


@dataclass(frozen=True)
class VacancyRow:
    institution_id: int
    position_id: int
    subject: str
    fte: Decimal
    published_on: date | None
    filled_on: date | None


class VacancyImporter(PeopleImporter):
    """`institution,position,subject,fte,published_on,filled_on`."""

    kind = "vacancies"
    title = gettext_lazy("Vacancies")
    permission = "people.add_vacancy"
    columns: ClassVar[list[str]] = ["institution", "position", "subject", "fte", "published_on", "filled_on"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "institution": gettext_lazy("registration number"),
        "position": "|".join(POSITION_CODES),
        "subject": gettext_lazy("free text, empty where none"),
        "fte": gettext_lazy("above zero, up to three decimals: 0.5, 1, 3.221"),
        "published_on": gettext_lazy("YYYY-MM-DD, or empty while only declared"),
        "filled_on": gettext_lazy("YYYY-MM-DD (not before published_on) or empty"),
    }
    example: ClassVar[list[str]] = ["9000000012", "subject_teacher", "ķīmija", "1", "2024-08-01", ""]

    def parse(self, values: dict[str, str]) -> VacancyRow:
        institution_id = self.institution_id(values)
        position_id = self.position_id(values)
        fte = parse_fte(values, "fte")
        published = parse_date(values, "published_on", required=False)
        filled = parse_date(values, "filled_on", required=False)
        if filled is not None and published is None:
            raise RowProblem("filled_on", _("a vacancy cannot be filled before it is published"))
        if filled is not None and published is not None and filled < published:
            raise RowProblem(
                "filled_on", _("a vacancy cannot be filled before it is published (%s)") % published.isoformat()
            )
        return VacancyRow(
            institution_id, position_id, parse_text(values, "subject", max_length=120), fte, published, filled
        )

    def key(self, record: VacancyRow) -> tuple[int, int, str, date | None]:
        return (record.institution_id, record.position_id, record.subject, record.published_on)

    def write(self, records: list[VacancyRow], result: ImportResult) -> None:
        today = timezone.localdate()
        current: dict[tuple[int, int, str, date | None], Vacancy] = {}
        for vacancy in Vacancy.objects.select_for_update().filter(
            institution_id__in={r.institution_id for r in records}
        ):
            current.setdefault(
                (vacancy.institution_id, vacancy.position_id, vacancy.subject, vacancy.published_on), vacancy
            )
        for record in records:
            vacancy = current.get(self.key(record))
            if vacancy is None:
                vacancy = Vacancy.objects.create(
                    institution_id=record.institution_id,
                    position_id=record.position_id,
                    subject=record.subject,
                    fte=record.fte,
                    declared_on=record.published_on or today,
                    published_on=record.published_on,
                    filled_on=record.filled_on,
                )
                self.counted(result, "created", record, label=vacancy)
            else:
                self.write_changes(result, record, vacancy, {"fte": record.fte, "filled_on": record.filled_on})


IMPORTERS: dict[str, type[ScopedImporter]] = {importer.kind: importer for importer in (StaffImporter, VacancyImporter)}

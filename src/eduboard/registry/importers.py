"""Registry file formats: institutions, programmes, groups, learners, residents learning elsewhere.

Every importer is all or nothing per file and idempotent by natural key (registration number,
programme code, institution + school year + group name, personal code + group).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, NamedTuple

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.imports import (
    ImportFailed,
    ImportResult,
    RowError,
    RowProblem,
    ScopedImporter,
    check,
    insert_rows,
    next_version,
    parse_choice,
    parse_date,
    parse_int,
    parse_required,
    parse_text,
    parse_yes_no,
    save_changes,
    select_where_in,
    update_fields,
)
from eduboard.core.latvian import key_fields, refresh_keys
from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import parse_school_year_code, school_year_get_or_create
from eduboard.core.scope import Viewer, acting_user, sees_whole_city
from eduboard.registry.board_data import new_row_board_or_problem
from eduboard.registry.board_scope import works_for
from eduboard.registry.boards import Board
from eduboard.registry.choices import (
    Founder,
    GroupKind,
    InstitutionType,
    InstructionLanguage,
    InterestField,
    LeavingReason,
    ProgrammeLevel,
    SpecialNeeds,
)
from eduboard.registry.leaving import infer_leaving_reasons
from eduboard.registry.models import (
    CorrectionVia,
    Enrolment,
    Group,
    Institution,
    Learner,
    LearnerCorrection,
    Municipality,
    Programme,
    ResidentsElsewhere,
)
from eduboard.registry.rules import look_alike_key, programme_interest_check
from eduboard.registry.validators import (
    mask_personal_code,
    normalise_personal_code,
    validate_personal_code,
    validate_programme_code,
    validate_registration_number,
)


def is_home_municipality(name: str) -> bool:
    """Whether a municipality's name is the board's own (settings.HOME_MUNICIPALITY_NAMES, any case)."""
    return name.strip().casefold() in {n.casefold() for n in settings.HOME_MUNICIPALITY_NAMES}


def municipality_ids() -> dict[str, int]:
    return {name.casefold(): pk for pk, name in Municipality.objects.values_list("pk", "name")}


def municipality_get_or_create(name: str, cache: dict[str, int]) -> int:
    """The id of the municipality called `name`, created when new (remembered in `cache`)."""
    key = name.strip().casefold()
    if key not in cache:
        municipality, _created = Municipality.objects.get_or_create(
            name=name.strip(), defaults={"is_home": is_home_municipality(name)}
        )
        cache[key] = municipality.pk
    return cache[key]


@dataclass(frozen=True)
class InstitutionRow:
    registration_number: str
    values: dict[str, Any]
    joined_to: str | None


class InstitutionImporter(ScopedImporter):
    """`registration_number,name,short_name,type,founder,address,opened_on,closed_on` (+ optional `joined_to` and
    `board`: the board's code; a file without it imports to the importing user's board, or the only one)."""

    kind = "institutions"
    title = gettext_lazy("Institutions")
    permission = "registry.add_institution"
    columns: ClassVar[list[str]] = [
        "registration_number",
        "name",
        "short_name",
        "type",
        "founder",
        "address",
        "opened_on",
        "closed_on",
        "joined_to",
        "board",
    ]
    optional_columns = frozenset({"joined_to", "short_name", "address", "board"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "type": "|".join(InstitutionType.values),
        "founder": "|".join(Founder.values),
        "opened_on": "YYYY-MM-DD",
        "closed_on": gettext_lazy("YYYY-MM-DD or empty"),
        "joined_to": gettext_lazy("registration number of the institution that took it over, or empty"),
        "board": gettext_lazy("the board's code (manage.py create_board), or empty for your board"),
    }
    example: ClassVar[list[str]] = [
        "9000000011",
        "Daugavpils Zinātņu vidusskola",
        "Zinātņu vsk.",
        "secondary",
        "municipality",
        "Daugavpils",
        "1990-09-01",
        "",
        "",
        "",
    ]

    def prepare(self) -> None:
        self.existing = dict(Institution.objects.values_list("registration_number", "pk"))
        self.boards = dict(Board.objects.values_list("code", "pk"))
        self.own_boards = {pk for pk in self.boards.values() if works_for(self.viewer, Board(pk=pk))}
        self.in_file: set[str] = set()
        self.references: list[tuple[int, str]] = []  # (row, joined_to) not yet known when the row was read
        self.outcome: dict[str, str] = {}  # registration number -> created | updated | unchanged, while writing
        self.joins: dict[str, str] = {}  # registration number -> joined_to ("" to clear), for finish()
        self.rows: dict[str, int] = {}  # registration number -> its row, for the change log of finish()

    def parse(self, values: dict[str, str]) -> InstitutionRow:
        number = parse_required(values, "registration_number")
        check("registration_number", validate_registration_number, number)
        if number in self.existing and not self.institution_allowed(self.existing[number]):
            raise RowProblem("registration_number", _("this institution is not in your scope"))
        if number not in self.existing and not sees_whole_city(self.viewer):
            raise RowProblem("registration_number", _("only the board may add institutions"))
        opened_on = parse_date(values, "opened_on", required=False)
        closed_on = parse_date(values, "closed_on", required=False)
        if opened_on and closed_on and closed_on < opened_on:
            raise RowProblem("closed_on", _("closes before it opened"))
        joined_to = values.get("joined_to")  # None: the file has no such column, so keep what is stored
        if joined_to:
            check("joined_to", validate_registration_number, joined_to)
            if joined_to == number:
                raise RowProblem("joined_to", _("an institution cannot be joined to itself"))
            if joined_to not in self.existing and joined_to not in self.in_file:
                self.references.append((self.current_row, joined_to))
        fields: dict[str, Any] = {
            "name": parse_required(values, "name", max_length=255),
            "type": parse_choice(values, "type", InstitutionType.values),
            "founder": parse_choice(values, "founder", Founder.values, default=Founder.MUNICIPALITY),
            "opened_on": opened_on,
            "closed_on": closed_on,
        }
        board = self.board_of(values, new=number not in self.existing)
        if board is not None:
            fields["board_id"] = board
        # Optional columns a file leaves out keep their stored values.
        if "short_name" in values:
            fields["short_name"] = parse_text(values, "short_name", max_length=80)
        if "address" in values:
            fields["address"] = parse_text(values, "address", max_length=255)
        self.in_file.add(number)
        return InstitutionRow(number, fields, joined_to)

    def board_of(self, values: dict[str, str], *, new: bool) -> int | None:
        """The board a row names (`board`: a code among the importing user's boards). A new institution of a file
        without the column joins the importing user's only board; None keeps an existing one's."""
        code = (values.get("board") or "").strip()
        if code:
            if code not in self.boards:
                known = ", ".join(sorted(self.boards)) or "—"
                raise RowProblem(
                    "board", _("unknown board %(code)s (boards: %(known)s)") % {"code": code, "known": known}
                )
            if self.boards[code] not in self.own_boards:
                raise RowProblem("board", _("you do not work for the board %s") % code)
            return self.boards[code]
        if not new:
            return None
        if len(self.own_boards) == 1:
            return next(iter(self.own_boards))
        if len(self.boards) > 1:
            raise RowProblem("board", _("name the institution's board: this deployment has several"))
        return None

    def check_references(self) -> list[RowError]:
        return [
            RowError(row, "joined_to", _("unknown institution %s") % joined_to)
            for row, joined_to in self.references
            if joined_to not in self.in_file
        ]

    def key(self, record: InstitutionRow) -> str:
        return record.registration_number

    def write(self, records: list[InstitutionRow], result: ImportResult) -> None:
        current = {
            i.registration_number: i
            for i in Institution.objects.select_for_update().filter(
                registration_number__in=[r.registration_number for r in records]
            )
        }
        for record in records:
            institution = current.get(record.registration_number)
            if institution is None:
                institution = Institution(registration_number=record.registration_number, **record.values)
                if institution.board_id is None:  # a deployment of one board: `board_of` left it to the only one
                    institution.board = Board.objects.for_new_institution()
                institution.full_clean()
                institution.save()
                self.outcome[record.registration_number] = "created"
                self.counted(result, "created", record, label=institution)
            else:
                changes = self.write_changes(result, record, institution, record.values, clean=True)
                self.outcome[record.registration_number] = "updated" if changes else "unchanged"
            self.rows[record.registration_number] = self._chunk_rows.get(id(record), 0)
            if record.joined_to is not None:
                self.joins[record.registration_number] = record.joined_to

    def finish(self, result: ImportResult) -> None:
        """Reorganisations, once every institution of the file exists (a school may join a later row's)."""
        ids = dict(Institution.objects.values_list("registration_number", "pk"))
        institutions = Institution.objects.in_bulk(list(self.joins), field_name="registration_number")
        for number, joined_to in self.joins.items():
            target_id = ids[joined_to] if joined_to else None
            institution = institutions[number]
            if changes := update_fields(institution, {"joined_to_id": target_id}):
                old = changes["joined_to_id"][0]
                save_changes(institution, changes)
                if self.outcome[number] == "unchanged":
                    self.outcome[number] = "updated"
                    result.unchanged -= 1
                    result.updated += 1
                if self.change_log is not None:
                    names: dict[int | None, str] = {pk: value for value, pk in ids.items()}
                    self.change_log.add(
                        self.rows.get(number, 0),
                        "updated",
                        str(institution),
                        {"joined_to": (names.get(old, ""), joined_to or "")},
                    )


@dataclass(frozen=True)
class ProgrammeRow:
    code: str
    values: dict[str, str]


class ProgrammeImporter(ScopedImporter):
    """`code,name,level,special_needs,language`, and for interest education the optional `stem` (yes|no) and
    `field`; a file without those columns leaves them as they are."""

    kind = "programmes"
    title = gettext_lazy("Programmes")
    permission = "registry.add_programme"
    columns: ClassVar[list[str]] = ["code", "name", "level", "special_needs", "language", "stem", "field"]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"stem", "field"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "code": gettext_lazy(
            "8 digits: 01 preschool, 11 basic 1–6, 21 basic, 31 general secondary, …; "
            "special programmes have 5 as the fifth digit and the category as the sixth"
        ),
        "level": "|".join(ProgrammeLevel.values),
        "special_needs": "|".join(SpecialNeeds.values),
        "language": "|".join(InstructionLanguage.values),
        "stem": gettext_lazy("yes|no (interest education: a STEM programme; optional column)"),
        "field": format_lazy(
            gettext_lazy("interest education's field: {codes} (optional column)"), codes="|".join(InterestField.values)
        ),
    }
    example: ClassVar[list[str]] = [
        "21015611",
        "Speciālā pamatizglītības programma (mācīšanās traucējumi)",
        "basic",
        "learning",
        "lv",
        "no",
        "",
    ]

    def parse(self, values: dict[str, str]) -> ProgrammeRow:
        if self.scope is not None:
            raise RowProblem("code", _("only the board may change programmes"))
        code = parse_required(values, "code")
        level = parse_choice(values, "level", ProgrammeLevel.values)
        special_needs = parse_choice(values, "special_needs", SpecialNeeds.values, default=SpecialNeeds.NONE)
        check("code", validate_programme_code, code, level=level, special_needs=special_needs)
        fields: dict[str, Any] = {
            "name": parse_required(values, "name", max_length=255),
            "level": level,
            "special_needs": special_needs,
            "language": parse_choice(
                values, "language", InstructionLanguage.values, default=InstructionLanguage.LATVIAN
            ),
        }
        if "stem" in values:
            fields["stem"] = parse_yes_no(values, "stem", default=False)
        if "field" in values:
            fields["field"] = parse_choice(values, "field", InterestField.values, default="")
        stem, field = fields.get("stem", False), fields.get("field", "")
        check("stem" if stem else "field", programme_interest_check, Programme(level=level, stem=stem, field=field))
        return ProgrammeRow(code, fields)

    def key(self, record: ProgrammeRow) -> str:
        return record.code

    def write(self, records: list[ProgrammeRow], result: ImportResult) -> None:
        current = {p.code: p for p in Programme.objects.select_for_update().filter(code__in=[r.code for r in records])}
        for record in records:
            programme = current.get(record.code)
            if programme is None:
                Programme.objects.create(code=record.code, **record.values)
                self.counted(result, "created", record)
            else:
                self.write_changes(result, record, programme, record.values, label=None)


@dataclass(frozen=True)
class GroupRow:
    institution_id: int
    school_year: str
    name: str
    values: dict[str, Any]


class GroupImporter(ScopedImporter):
    """`institution,school_year,programme,name,grade,kind,capacity`."""

    kind = "groups"
    title = gettext_lazy("Groups and classes")
    permission = "registry.add_group"
    columns: ClassVar[list[str]] = ["institution", "school_year", "programme", "name", "grade", "kind", "capacity"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "institution": gettext_lazy("registration number"),
        "school_year": "2024/2025",
        "programme": gettext_lazy("programme code"),
        "grade": gettext_lazy("1–12 for classes, empty for preschool groups"),
        "kind": "|".join(GroupKind.values),
        "capacity": gettext_lazy("places, or empty"),
    }
    example: ClassVar[list[str]] = ["9000000011", "2024/2025", "21011111", "1.a", "1", "day", "28"]

    def prepare(self) -> None:
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))
        self.programmes = {
            code: (pk, level) for pk, code, level in Programme.objects.values_list("pk", "code", "level")
        }
        self.years: dict[str, SchoolYear] = {}

    def parse(self, values: dict[str, str]) -> GroupRow:
        number = parse_required(values, "institution")
        institution_id = self.institutions.get(number)
        if institution_id is None:
            raise RowProblem("institution", _("unknown institution %s") % number)
        if not self.institution_allowed(institution_id):
            raise RowProblem("institution", _("institution %s is not in your scope") % number)
        year_code = parse_required(values, "school_year")
        check("school_year", parse_school_year_code, year_code)
        code = parse_required(values, "programme")
        programme = self.programmes.get(code)
        if programme is None:
            raise RowProblem("programme", _("unknown programme %s") % code)
        programme_id, level = programme
        grade = parse_int(values, "grade", required=False, minimum=1, maximum=12)
        if level == ProgrammeLevel.PRESCHOOL and grade is not None:
            raise RowProblem("grade", _("a preschool group has no grade; leave it empty"))
        if level in (ProgrammeLevel.BASIC, ProgrammeLevel.SECONDARY) and grade is None:
            raise RowProblem("grade", _("a class needs its grade, 1–12"))
        return GroupRow(
            institution_id,
            year_code,
            parse_required(values, "name", max_length=80),
            {
                "programme_id": programme_id,
                "grade": grade,
                "kind": parse_choice(values, "kind", GroupKind.values, default=GroupKind.DAY),
                "capacity": parse_int(values, "capacity", required=False, minimum=0, maximum=10000),
            },
        )

    def key(self, record: GroupRow) -> tuple[int, str, str]:
        return (record.institution_id, record.school_year, record.name)

    def describe(self, record: GroupRow) -> str:
        numbers = {pk: number for number, pk in self.institutions.items()}
        return f"group {numbers.get(record.institution_id, '')} {record.school_year} {record.name}"

    def write(self, records: list[GroupRow], result: ImportResult) -> None:
        for code in {r.school_year for r in records} - set(self.years):
            self.years[code] = school_year_get_or_create(code=code)
        current = {
            (g.institution_id, g.school_year.code, g.name): g
            for g in Group.objects.select_for_update(of=("self",))
            .filter(
                institution_id__in={r.institution_id for r in records},
                school_year__in=[self.years[r.school_year] for r in records],
            )
            .select_related("school_year")
        }
        new = []
        for record in records:
            group = current.get(self.key(record))
            if group is None:
                new.append(
                    Group(
                        institution_id=record.institution_id,
                        school_year=self.years[record.school_year],
                        name=record.name,
                        **record.values,
                    )
                )
            else:
                self.write_changes(result, record, group, record.values, label=None)
        Group.objects.bulk_create(new)
        for record in records:
            if self.key(record) not in current:
                self.counted(result, "created", record)


class LearnerRow(NamedTuple):
    """One row of a learners file, parsed (a named tuple: cheap to make a hundred thousand times)."""

    personal_code: str
    first_name: str
    last_name: str
    birth_date: date
    municipality: str
    group_id: int
    enrolled_on: date
    left_on: date | None
    leaving_reason: str  # a LeavingReason code, or empty: not given (inferred when the learner left)
    search_name: str  # the Latvian keys (core.latvian), computed while checking: the writing thread only sends them
    sort_name: str


LEARNER_KEYS = {field.name: field for field in key_fields(Learner)}  # search_name, sort_name


def learner_keys(names: dict[str, str]) -> list[str]:
    """The learner's key columns (LEARNER_KEYS, in order) computed from its names."""
    return [field.compute(names[source] for source in field.sources) for field in LEARNER_KEYS.values()]


LEARNER_FIELDS = ("first_name", "last_name", "birth_date", "declared_municipality")


class LearnerImporter(ScopedImporter):
    """`personal_code,first_name,last_name,birth_date,declared_municipality,institution,school_year,group,enrolled_on,left_on`
    and an optional last column `leaving_reason` (a LeavingReason code; empty or absent: not given, so inferred)."""

    kind = "learners"
    title = gettext_lazy("Learners and enrolments")
    permission = "registry.add_learner"
    identity_column = "personal_code"
    analyze_models = (Learner, Enrolment)
    columns: ClassVar[list[str]] = [
        "personal_code",
        "first_name",
        "last_name",
        "birth_date",
        "declared_municipality",
        "institution",
        "school_year",
        "group",
        "enrolled_on",
        "left_on",
        "leaving_reason",
    ]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"leaving_reason"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "personal_code": gettext_lazy("DDMMYY-XNNNN (with a valid check digit) or 32XXXX-XXXXX"),
        "birth_date": "YYYY-MM-DD",
        "declared_municipality": gettext_lazy("name of the municipality, e.g. Daugavpils"),
        "institution": gettext_lazy("registration number"),
        "school_year": "2024/2025",
        "group": gettext_lazy("the group's name as in the groups file"),
        "enrolled_on": "YYYY-MM-DD",
        "left_on": gettext_lazy("YYYY-MM-DD or empty"),
        "leaving_reason": "|".join(LeavingReason.values),
    }
    example: ClassVar[list[str]] = [
        "150317-21110",
        "Anna",
        "Bērziņa",
        "2017-03-15",
        "Daugavpils",
        "9000000011",
        "2024/2025",
        "1.a",
        "2024-09-01",
        "",
        "",
    ]

    @property
    def check_while_writing(self) -> bool:  # type: ignore[override]
        """The board's imports are checked in a second thread while this one writes (parse() reads only the
        lookups prepare() loaded); an institution's import checks every learner it names against the scope
        first (see `refuse_foreign`), so it checks the whole file before writing."""
        return self.scope is None

    def __init__(self, *, viewer: Viewer) -> None:
        super().__init__(viewer=viewer)
        self.first_rows: dict[str, int] = {}  # personal code -> its first row, for an institution's import
        self.warnings: list[str] = []
        # The learners this file adds (their row, code, names, birth date), looked for among those already there.
        self.new_learners: list[tuple[int, str, str, str, date]] = []

    def prepare(self) -> None:
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))
        self.groups = {
            (number, year, name): pk
            for pk, number, year, name in Group.objects.values_list(
                "pk", "institution__registration_number", "school_year__code", "name"
            )
        }
        self.municipalities = municipality_ids()
        self.valid_years: set[str] = set()  # school-year codes already checked: the same few on every row
        self.group_names: dict[int, str] | None = None  # group id -> its name, made when the change log needs it

    def parse(self, values: dict[str, str]) -> LearnerRow:
        code = normalise_personal_code(parse_required(values, "personal_code"))
        check("personal_code", validate_personal_code, code)
        number = parse_required(values, "institution")
        institution_id = self.institutions.get(number)
        if institution_id is None:
            raise RowProblem("institution", _("unknown institution %s") % number)
        if not self.institution_allowed(institution_id):
            raise RowProblem("institution", _("institution %s is not in your scope") % number)
        year = parse_required(values, "school_year")
        if year not in self.valid_years:
            check("school_year", parse_school_year_code, year)
            self.valid_years.add(year)
        group_name = parse_required(values, "group")
        group_id = self.groups.get((number, year, group_name))
        if group_id is None:
            raise RowProblem(
                "group",
                _("institution %(number)s has no group “%(group)s” in %(year)s")
                % {"number": number, "group": group_name, "year": year},
            )
        first_name = parse_required(values, "first_name", max_length=80)
        last_name = parse_required(values, "last_name", max_length=80)
        birth_date = parse_date(values, "birth_date")
        assert birth_date is not None  # noqa: S101 - required=True
        enrolled_on = parse_date(values, "enrolled_on")
        assert enrolled_on is not None  # noqa: S101 - required=True
        left_on = parse_date(values, "left_on", required=False)
        if left_on is not None and left_on < enrolled_on:
            raise RowProblem("left_on", _("leaves before enrolling (%s)") % enrolled_on.isoformat())
        leaving_reason = parse_choice(values, "leaving_reason", LeavingReason.values, default="")
        if leaving_reason and left_on is None:
            raise RowProblem("leaving_reason", _("a reason for leaving needs the day of leaving (left_on)"))
        if self.scope is not None:
            self.first_rows.setdefault(code, self.current_row)
        return LearnerRow(
            code,
            first_name,
            last_name,
            birth_date,
            parse_text(values, "declared_municipality", max_length=120),
            group_id,
            enrolled_on,
            left_on,
            leaving_reason,
            *learner_keys({"first_name": first_name, "last_name": last_name}),
        )

    def refuse_foreign(self, by_code: dict[str, LearnerRow], existing: dict[str, tuple[Any, ...]]) -> None:
        """An institution's file never changes another institution's learner: a known personal code that the
        importer may not change (Learner.objects.editable_by) is refused when the row gives other details, or
        when the learner is still enrolled elsewhere (the transfer rule: that institution records the leaving
        first, or the board moves the learner). With the same details and no enrolment elsewhere, the row
        enrols the learner, as `services.learner_transfer` would."""
        ids = [row[0] for row in existing.values()]
        editable = set(Learner.objects.editable_by(self.viewer).filter(pk__in=ids).values_list("pk", flat=True))
        foreign = {code: row for code, row in existing.items() if row[0] not in editable}
        if not foreign:
            return
        scope = self.scope or set()
        enrolled_elsewhere = set(
            Enrolment.objects.filter(learner__in=[row[0] for row in foreign.values()])
            .open()
            .exclude(group__institution__in=scope)
            .values_list("learner_id", flat=True)
        )
        errors = []
        for code, row in foreign.items():
            record = by_code[code]
            if tuple(row[2:5]) == (record.first_name, record.last_name, record.birth_date) and (
                row[0] not in enrolled_elsewhere
            ):
                continue
            # One answer for both causes (other details, still enrolled elsewhere): a row tells nothing about anyone.
            reason = _(
                "this learner cannot be imported here: check the code and details; a learner still enrolled in "
                "another institution comes here after that institution records the leaving, or through the board"
            )
            errors.append(RowError(self.first_rows.get(code, 0), "personal_code", reason))
        if errors:
            raise ImportFailed(sorted(errors, key=lambda error: error.row))

    def key(self, record: LearnerRow) -> tuple[str, int]:
        return (record.personal_code, record.group_id)

    def identity(self, record: LearnerRow) -> tuple[str, tuple[str, str, date]]:
        """One personal code, one person: the same names and birth date in every row."""
        return (record.personal_code, (record.first_name, record.last_name, record.birth_date))

    def identity_message(self) -> str:
        return _("the same personal code has another name or birth date in an earlier row")

    def describe(self, record: LearnerRow) -> str:
        """The learner, as the change log names it: the masked personal code and the name."""
        return f"learner {mask_personal_code(record.personal_code)} {record.first_name} {record.last_name}"

    def describe_enrolment(self, record: LearnerRow) -> str:
        if not self.names_rows:
            return ""
        if self.group_names is None:
            self.group_names = {pk: f"{number} {year} {name}" for (number, year, name), pk in self.groups.items()}
        return f"enrolment of {mask_personal_code(record.personal_code)} in {self.group_names.get(record.group_id, '')}"

    def write(self, records: list[LearnerRow], result: ImportResult) -> None:
        """Save one chunk, reading and inserting plain tuples (no model instance per row; see docs/performance.md)."""
        by_code: dict[str, LearnerRow] = {r.personal_code: r for r in records}
        existing = {
            row[1]: row
            for row in select_where_in(
                Learner,
                "personal_code",
                list(by_code),
                ["pk", "personal_code", "first_name", "last_name", "birth_date", "declared_municipality"],
            )
        }
        if self.scope is not None:
            self.refuse_foreign(by_code, existing)
        ids = self.write_learners(by_code, existing)
        self.write_enrolments(records, ids, [row[0] for row in existing.values()], result)
        # The reasons not given, inferred by the one rule for this chunk's learners (a leaving elsewhere within 30
        # days of an enrolment in this file becomes a transfer).
        infer_leaving_reasons(learner_ids=set(ids.values()))

    def finish(self, result: ImportResult) -> None:
        """Warn of each new learner who looks like one already in the registry under another personal code (an
        old- and a new-format code of one child: `rules.look_alike_key`); the file is saved all the same."""
        if not self.new_learners:
            return
        added = {code for _row, code, _first, _last, _born in self.new_learners}
        births = [born for *_rest, born in self.new_learners]
        known: dict[tuple[str, str, date], list[str]] = defaultdict(list)
        # A school's import looks among its own learners only: another school's children are not its to see.
        for code, first, last, born in (
            Learner.objects.visible_to(self.viewer)
            .filter(birth_date__gte=min(births), birth_date__lte=max(births))
            .values_list("personal_code", "first_name", "last_name", "birth_date")
        ):
            if code not in added:
                known[look_alike_key(first, last, born)].append(code)
        for row, code, first, last, born in self.new_learners:
            for other in known.get(look_alike_key(first, last, born), []):
                self.warnings.append(
                    _("row %(row)s: %(learner)s looks like %(other)s, in the registry under another personal code")
                    % {
                        "row": row,
                        "learner": f"{first} {last} ({mask_personal_code(code)})",
                        "other": mask_personal_code(other),
                    }
                )

    def write_learners(self, by_code: dict[str, LearnerRow], existing: dict[str, tuple[Any, ...]]) -> dict[str, int]:
        """Insert a chunk's new learners and update the changed ones in bulk (their version moved on); the id of
        every learner of the chunk by personal code. The learners' own changes go to the change log only: the job
        counts enrolments."""
        new: list[tuple[Any, ...]] = []
        changed: list[Learner] = []
        log = self.names_rows
        learners = ImportResult()
        names: dict[Any, str] = {}  # municipality id -> name, for the change log (read once a chunk, when needed)
        for code, record in by_code.items():
            municipality_id = (
                municipality_get_or_create(record.municipality, self.municipalities) if record.municipality else None
            )
            values = (record.first_name, record.last_name, record.birth_date, municipality_id)
            row = existing.get(code)
            if row is None:
                new.append((code, *values, record.search_name, record.sort_name))
                self.new_learners.append(
                    (self._chunk_rows.get(id(record), 0), code, record.first_name, record.last_name, record.birth_date)
                )
                if log:
                    self.counted(learners, "created", record, label=self.describe(record))
            elif row[2:] != values:
                if log:
                    changes = learner_changes(row[2:], values, names)
                    self.counted(learners, "updated", record, changes, label=self.describe(record))
                first_name, last_name, birth_date, _municipality = values
                changed.append(
                    Learner(
                        pk=row[0],
                        first_name=first_name,
                        last_name=last_name,
                        birth_date=birth_date,
                        declared_municipality_id=municipality_id,
                        version=next_version(),
                    )
                )
        new_ids = insert_rows(
            Learner,
            ["personal_code", "first_name", "last_name", "birth_date", "declared_municipality", *LEARNER_KEYS],
            new,
            with_ids=True,
        )
        if changed:
            for learner in changed:  # the search and sort keys of the new names
                keys = refresh_keys(learner)
            Learner.objects.bulk_update(
                changed, ["first_name", "last_name", "birth_date", "declared_municipality", "version", *keys]
            )
            self.trace_corrections(changed, {row[0]: row for row in existing.values()})
        ids = {code: row[0] for code, row in existing.items()}
        if new_ids is not None:  # PostgreSQL: the ids were taken before the insert
            ids.update(zip((row[0] for row in new), new_ids, strict=True))
        elif new:
            ids.update(
                Learner.objects.filter(personal_code__in=[row[0] for row in new]).values_list("personal_code", "pk")
            )
        return ids

    def trace_corrections(self, changed: list[Learner], before: dict[int, tuple[Any, ...]]) -> None:
        """Each personal field a file changed, as a correction (`LearnerCorrection`): old and new value, the importing
        user, and the file as the reason."""
        fields = ("first_name", "last_name", "birth_date", "declared_municipality")
        towns = {row[5] for row in before.values()} | {learner.declared_municipality_id for learner in changed}
        names: dict[Any, str] = dict(Municipality.objects.filter(pk__in=towns - {None}).values_list("pk", "name"))
        by = acting_user(self.viewer)
        reason = _("changed by an import of learners and enrolments")
        traces = []
        for learner in changed:
            old = before[learner.pk][2:]
            new = (learner.first_name, learner.last_name, learner.birth_date, learner.declared_municipality_id)
            for field, was, now in zip(fields, old, new, strict=True):
                if was != now:
                    shown = (names.get(was), names.get(now)) if field == "declared_municipality" else (was, now)
                    traces.append(
                        LearnerCorrection(
                            learner_id=learner.pk,
                            field=field,
                            old_value=str(shown[0] or "")[:200],
                            new_value=str(shown[1] or "")[:200],
                            by=by,
                            reason=reason[:300],
                            via=CorrectionVia.IMPORT,
                        )
                    )
        LearnerCorrection.objects.bulk_create(traces, batch_size=1000)

    def write_enrolments(
        self, records: list[LearnerRow], ids: dict[str, int], known: list[int], result: ImportResult
    ) -> None:
        """Insert a chunk's new enrolments and update the changed ones in bulk (their version moved on), counting
        each record. `known`: the learners stored before this chunk (those made in it have no enrolments yet)."""
        current: dict[tuple[int, int], tuple[int, date, date | None, str, bool]] = {}
        if known:
            current = {
                (learner_id, group_id): (pk, enrolled_on, left_on, reason, inferred)
                for pk, learner_id, group_id, enrolled_on, left_on, reason, inferred in select_where_in(
                    Enrolment,
                    "learner",
                    known,
                    ["pk", "learner", "group", "enrolled_on", "left_on", "leaving_reason", "leaving_reason_inferred"],
                )
            }
        new_enrolments: list[tuple[Any, ...]] = []
        changed_enrolments: list[Enrolment] = []
        for record in records:
            learner_id = ids[record.personal_code]
            found = current.get((learner_id, record.group_id))
            if found is None:
                new_enrolments.append(
                    (learner_id, record.group_id, record.enrolled_on, record.left_on, record.leaving_reason)
                )
                self.counted(result, "created", record, label=self.describe_enrolment(record))
                continue
            # A reason the file does not give keeps the one given before; one inferred is inferred again below.
            reason = record.leaving_reason or (found[3] if record.left_on is not None and not found[4] else "")
            was: tuple[Any, ...] = found[1:4] if not found[4] else (*found[1:3], "")
            now: tuple[Any, ...] = (record.enrolled_on, record.left_on, reason)
            if was != now:
                changed_enrolments.append(
                    Enrolment(
                        pk=found[0],
                        enrolled_on=record.enrolled_on,
                        left_on=record.left_on,
                        leaving_reason=reason,
                        leaving_reason_inferred=False,
                        version=next_version(),
                    )
                )
                changes = {
                    name: (old, new)
                    for name, old, new in zip(("enrolled_on", "left_on", "leaving_reason"), was, now, strict=True)
                    if old != new
                }
                self.counted(result, "updated", record, changes, label=self.describe_enrolment(record))
            else:
                self.counted(result, "unchanged", record)
        insert_rows(Enrolment, ["learner", "group", "enrolled_on", "left_on", "leaving_reason"], new_enrolments)
        if changed_enrolments:
            Enrolment.objects.bulk_update(
                changed_enrolments, ["enrolled_on", "left_on", "leaving_reason", "leaving_reason_inferred", "version"]
            )


def learner_changes(before: tuple[Any, ...], after: tuple[Any, ...], names: dict[Any, str]) -> dict[str, Any]:
    """A learner's changed fields (LEARNER_FIELDS), old and new, for the change log: the municipality by its name
    (`names`, id -> name, filled from the database when the first change of a chunk needs it)."""
    changes = {name: (old, new) for name, old, new in zip(LEARNER_FIELDS, before, after, strict=True) if old != new}
    if "declared_municipality" in changes:  # ids to names
        if not names:
            names.update(Municipality.objects.values_list("pk", "name"))
        old, new = changes["declared_municipality"]
        changes["declared_municipality"] = (names.get(old, ""), names.get(new, ""))
    return changes


@dataclass(frozen=True)
class ResidentsRow:
    municipality: str
    school_year: str
    level: str
    learners: int


class ResidentsElsewhereImporter(ScopedImporter):
    """`municipality,school_year,level,learners`: the board's residents who learn in another municipality."""

    kind = "residents_elsewhere"
    title = gettext_lazy("Residents learning in other municipalities")
    permission = "registry.add_residentselsewhere"
    columns: ClassVar[list[str]] = ["municipality", "school_year", "level", "learners"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "school_year": "2024/2025",
        "level": "|".join(ProgrammeLevel.values),
        "learners": gettext_lazy("a whole number"),
    }
    example: ClassVar[list[str]] = ["Augšdaugavas novads", "2024/2025", "basic", "120"]

    def prepare(self) -> None:
        self.municipalities = municipality_ids()
        self.board, self.board_problem = new_row_board_or_problem(self.viewer)  # the counts are the importing board's

    def parse(self, values: dict[str, str]) -> ResidentsRow:
        if self.scope is not None:
            raise RowProblem("municipality", _("only the board may import these counts"))
        if self.board is None:
            raise RowProblem("municipality", self.board_problem)
        municipality = parse_required(values, "municipality", max_length=120)
        own = self.board.municipality
        home_board = own is None or own.is_home
        if (home_board and is_home_municipality(municipality)) or (
            own is not None and own.name.casefold() == municipality.strip().casefold()
        ):
            raise RowProblem("municipality", _("this is the board's own municipality"))
        year = parse_required(values, "school_year")
        check("school_year", parse_school_year_code, year)
        learners = parse_int(values, "learners", minimum=0)
        assert learners is not None  # noqa: S101 - required=True
        return ResidentsRow(municipality, year, parse_choice(values, "level", ProgrammeLevel.values), learners)

    def key(self, record: ResidentsRow) -> tuple[str, str, str]:
        return (record.municipality.casefold(), record.school_year, record.level)

    def describe(self, record: ResidentsRow) -> str:
        return f"{record.municipality} {record.school_year} {record.level}"

    def write(self, records: list[ResidentsRow], result: ImportResult) -> None:
        for record in records:
            year = school_year_get_or_create(code=record.school_year)
            municipality_id = municipality_get_or_create(record.municipality, self.municipalities)
            row, created = ResidentsElsewhere.objects.get_or_create(
                board=self.board,
                school_year=year,
                municipality_id=municipality_id,
                level=record.level,
                defaults={"learners": record.learners},
            )
            if created:
                self.counted(result, "created", record)
            elif row.learners != record.learners:
                changes = {"learners": (row.learners, record.learners)}
                row.learners = record.learners
                row.save(update_fields=["learners"])
                self.counted(result, "updated", record, changes)
            else:
                self.counted(result, "unchanged", record)


IMPORTERS: dict[str, type[ScopedImporter]] = {
    importer.kind: importer
    for importer in (InstitutionImporter, ProgrammeImporter, GroupImporter, LearnerImporter, ResidentsElsewhereImporter)
}

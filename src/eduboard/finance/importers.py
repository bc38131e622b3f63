"""Finance file formats: `allocations`, `expenditures`, `cost_rates` (all or nothing, idempotent by natural key).

Amounts are written with a dot and at most 2 decimals; codes are the same whatever the UI language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.db.models import Sum
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
    parse_text,
)
from eduboard.core.scope import Viewer
from eduboard.finance.choices import CostKind, Purpose
from eduboard.finance.models import Allocation, CostRate, Expenditure, FundingSource, InstitutionSet
from eduboard.registry.board_data import new_row_board_or_problem
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution

SOURCE_CODES = ["state", "municipal", "eu_funds", "erasmus", "other"]
AMOUNT = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")


def parse_amount(values: dict[str, str], column: str, *, positive: bool = False) -> Decimal:
    """An amount in euros: digits, a dot and at most 2 decimals (61716, 3474.93)."""
    text = parse_required(values, column)
    if not AMOUNT.fullmatch(text):
        raise RowProblem(
            column, _("“%s” is not an amount written with a dot and at most 2 decimals (e.g. 3474.93)") % text
        )
    amount = Decimal(text)
    if positive and amount <= 0:
        raise RowProblem(column, _("the amount must be above zero"))
    return amount


class SourcesByBoard:
    """The funding sources a file's rows may name: a source is its board's, so a row names one of the board of its
    institution, by code (the viewer's boards' sources only)."""

    def __init__(self, viewer: Viewer) -> None:
        self.ids: dict[tuple[int, str], int] = {
            (board, code): pk
            for board, code, pk in FundingSource.objects.editable_by(viewer).values_list("board_id", "code", "pk")
        }

    def source_id(self, board_id: int | None, code: str, column: str) -> int:
        """The id of the source `code` of the board `board_id`, or a problem in `column` naming the board's codes."""
        found = self.ids.get((board_id or 0, code))
        if found is None:
            allowed = sorted(known for board, known in self.ids if board == board_id)
            raise RowProblem(
                column, _("“%(value)s” is not one of %(allowed)s") % {"value": code, "allowed": "|".join(allowed)}
            )
        return found


class FinanceImporter(ScopedImporter):
    """Looks institutions, groups of institutions and funding sources up once per pass."""

    def prepare(self) -> None:
        self.institutions: dict[str, tuple[int, int]] = {
            number: (pk, board)
            for number, pk, board in Institution.objects.values_list("registration_number", "pk", "board_id")
        }
        # A group of institutions and a funding source are their board's: the viewer's boards' are looked up.
        self.sets: dict[str, list[tuple[int, int]]] = {}
        for name, pk, board in InstitutionSet.objects.editable_by(self.viewer).values_list("name", "pk", "board_id"):
            self.sets.setdefault(name.casefold(), []).append((pk, board))
        self.set_members: dict[int, set[int]] = {}
        for set_id, institution_id in InstitutionSet.members.through.objects.values_list(
            "institutionset_id", "institution_id"
        ):
            self.set_members.setdefault(set_id, set()).add(institution_id)
        self.sources = SourcesByBoard(self.viewer)

    def recipient(self, values: dict[str, str]) -> tuple[int | None, int | None]:
        """(institution id, group id) from a registration number or a group's name; `self.board_id` is the board
        whose funding sources the row may name (the institution's, the group's)."""
        self.board_id: int | None = None
        text = parse_required(values, "institution")
        if text in self.institutions:
            institution_id, self.board_id = self.institutions[text]
            if not self.institution_allowed(institution_id):
                raise RowProblem("institution", _("institution %s is not in your scope") % text)
            return institution_id, None
        found = self.sets.get(text.casefold(), [])
        if len(found) != 1:
            raise RowProblem(
                "institution",
                _("“%s” is neither a registration number nor the name of a group of institutions") % text
                if not found
                else _("“%s” names a group of institutions of several boards; give a registration number") % text,
            )
        set_id, self.board_id = found[0]
        if self.scope is not None and not self.set_members.get(set_id, set()) <= self.scope:
            raise RowProblem("institution", _("the group “%s” holds institutions outside your scope") % text)
        return None, set_id

    def source_id(self, values: dict[str, str]) -> int:
        """The funding source with the row's code, of the board of the row's institution (read by `recipient`)."""
        return self.sources.source_id(getattr(self, "board_id", None), values.get("source", ""), "source")

    def year(self, values: dict[str, str]) -> int:
        year = parse_int(values, "year", minimum=2000, maximum=2100)
        assert year is not None  # noqa: S101 - required
        return year


AllocationKey = tuple[int, int | None, int | None, str, int]  # year, institution, group, purpose, source


@dataclass(frozen=True)
class AllocationRow:
    year: int
    institution_id: int | None
    set_id: int | None
    purpose: str
    source_id: int
    amount: Decimal

    @property
    def key(self) -> AllocationKey:
        return (self.year, self.institution_id, self.set_id, self.purpose, self.source_id)


def _allocation_key(allocation: Allocation) -> AllocationKey:
    return (
        allocation.year,
        allocation.institution_id,
        allocation.institution_set_id,
        allocation.purpose,
        allocation.source_id,
    )


class AllocationImporter(FinanceImporter):
    """`year,institution,purpose,source,amount`."""

    kind = "allocations"
    title = gettext_lazy("Allocations")
    permission = "finance.add_allocation"
    columns: ClassVar[list[str]] = ["year", "institution", "purpose", "source", "amount"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "year": gettext_lazy("the budget year, e.g. 2024"),
        "institution": gettext_lazy(
            "registration number, or the name of a group of institutions (e.g. visas pirmsskolas izglītības iestādes)"
        ),
        "purpose": "|".join(Purpose.values),
        "source": "|".join(SOURCE_CODES),
        "amount": gettext_lazy("euros with a dot and at most 2 decimals: 61716 or 61716.00"),
    }
    example: ClassVar[list[str]] = [
        "2024",
        "visas pirmsskolas izglītības iestādes",
        "teaching_aids",
        "state",
        "61716.00",
    ]

    def parse(self, values: dict[str, str]) -> AllocationRow:
        institution_id, set_id = self.recipient(values)
        return AllocationRow(
            year=self.year(values),
            institution_id=institution_id,
            set_id=set_id,
            purpose=parse_choice(values, "purpose", Purpose.values),
            source_id=self.source_id(values),
            amount=parse_amount(values, "amount"),
        )

    def key(self, record: AllocationRow) -> AllocationKey:
        return record.key

    def write(self, records: list[AllocationRow], result: ImportResult) -> None:
        current = {_allocation_key(a): a for a in Allocation.objects.filter(year__in={r.year for r in records})}
        for record in records:
            allocation = current.get(record.key)
            if allocation is None:
                allocation = Allocation.objects.create(
                    year=record.year,
                    institution_id=record.institution_id,
                    institution_set_id=record.set_id,
                    purpose=record.purpose,
                    source_id=record.source_id,
                    amount=record.amount,
                )
                self.counted(result, "created", record, label=allocation)
            else:
                self.write_changes(result, record, allocation, {"amount": record.amount})


@dataclass(frozen=True)
class ExpenditureRow:
    allocation: AllocationKey
    date: date
    amount: Decimal
    document: str
    description: str


class ExpenditureImporter(FinanceImporter):
    """`year,institution,purpose,source,date,amount,document,description`: spending of an existing allocation."""

    kind = "expenditures"
    title = gettext_lazy("Expenditures")
    permission = "finance.add_expenditure"
    columns: ClassVar[list[str]] = [
        "year",
        "institution",
        "purpose",
        "source",
        "date",
        "amount",
        "document",
        "description",
    ]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        **AllocationImporter.codes,
        "year": gettext_lazy("the allocation's year (year, institution, purpose and source name the allocation)"),
        "date": gettext_lazy("YYYY-MM-DD, within the year"),
        "amount": gettext_lazy("euros above zero, with a dot and at most 2 decimals: 3474.93"),
        "document": gettext_lazy("the accounting document's number (one document once per allocation and date)"),
        "description": gettext_lazy("free text, may be empty"),
    }
    example: ClassVar[list[str]] = [
        "2024",
        "visas pirmsskolas izglītības iestādes",
        "teaching_aids",
        "state",
        "2024-03-12",
        "1210.40",
        "VB-PII-2024/01",
        "Mācību grāmatas",
    ]

    def prepare(self) -> None:
        super().prepare()
        self.warnings: list[str] = []
        self.allocations = {_allocation_key(a): a.pk for a in Allocation.objects.all()}

    def parse(self, values: dict[str, str]) -> ExpenditureRow:
        year = self.year(values)
        institution_id, set_id = self.recipient(values)
        purpose = parse_choice(values, "purpose", Purpose.values)
        source_id = self.source_id(values)
        key = (year, institution_id, set_id, purpose, source_id)
        if key not in self.allocations:
            raise RowProblem(
                "institution",
                _("no %(year)s allocation for %(who)s with purpose %(purpose)s from source %(source)s")
                % {
                    "year": year,
                    "who": values.get("institution", ""),
                    "purpose": purpose,
                    "source": values.get("source", ""),
                },
            )
        day = parse_date(values, "date")
        assert day is not None  # noqa: S101 - required
        if day.year != year:
            raise RowProblem(
                "date", _("%(date)s is not in the year %(year)s") % {"date": day.isoformat(), "year": year}
            )
        return ExpenditureRow(
            allocation=key,
            date=day,
            amount=parse_amount(values, "amount", positive=True),
            document=parse_required(values, "document", max_length=60),
            description=parse_text(values, "description", max_length=255),
        )

    def key(self, record: ExpenditureRow) -> tuple[AllocationKey, str, date]:
        return (record.allocation, record.document, record.date)

    def write(self, records: list[ExpenditureRow], result: ImportResult) -> None:
        allocation_ids = {self.allocations[r.allocation] for r in records}
        current = {
            (e.allocation_id, e.document, e.date): e
            for e in Expenditure.objects.filter(allocation_id__in=allocation_ids)
        }
        for record in records:
            allocation_id = self.allocations[record.allocation]
            expenditure = current.get((allocation_id, record.document, record.date))
            if expenditure is None:
                expenditure = Expenditure.objects.create(
                    allocation_id=allocation_id,
                    date=record.date,
                    amount=record.amount,
                    document=record.document,
                    description=record.description,
                )
                self.counted(result, "created", record, label=expenditure)
            else:
                values = {"amount": record.amount, "description": record.description}
                self.write_changes(result, record, expenditure, values)

    def finish(self, result: ImportResult) -> None:
        """Warnings (never errors) for allocations now spent beyond their amount."""
        over = (
            Allocation.objects.annotate(spent=Sum("expenditures__amount"))
            .filter(pk__in=set(self.allocations.values()))
            .values_list(
                "year", "institution__registration_number", "institution_set__name", "purpose", "amount", "spent"
            )
        )
        self.warnings = [
            _("%(year)s %(who)s %(purpose)s: spent %(spent)s of %(amount)s allocated")
            % {"year": year, "who": number or name, "purpose": purpose, "spent": spent, "amount": amount}
            for year, number, name, purpose, amount, spent in over
            if spent is not None and spent > amount
        ]


@dataclass(frozen=True)
class CostRateRow:
    year: int
    kind: str
    monthly_cost: Decimal
    board_id: int


class CostRateImporter(FinanceImporter):
    """`year,programme_kind,monthly_cost[,board]`: a board's approved costs per learner per month (board only); the
    board's code is needed only from a user who works for several."""

    kind = "cost_rates"
    title = gettext_lazy("Approved costs per learner")
    permission = "finance.add_costrate"
    columns: ClassVar[list[str]] = ["year", "programme_kind", "monthly_cost", "board"]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"board"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "year": gettext_lazy("e.g. 2024"),
        "programme_kind": "|".join(CostKind.values),
        "monthly_cost": gettext_lazy("euros with a dot and at most 2 decimals: 300.18"),
        "board": gettext_lazy("the board's code; only for a user who works for several boards"),
    }
    example: ClassVar[list[str]] = ["2024", "preschool_day", "300.18", ""]

    def prepare(self) -> None:
        super().prepare()
        self.boards = dict(Board.objects.editable_by(self.viewer).values_list("code", "pk"))
        self.default_board, self.board_problem = new_row_board_or_problem(self.viewer)

    def parse(self, values: dict[str, str]) -> CostRateRow:
        code = values.get("board", "").strip()
        if not code:
            if self.default_board is None:
                raise RowProblem("board", self.board_problem)
            board_id = self.default_board.pk
        elif code not in self.boards:
            raise RowProblem(
                "board",
                _("“%(value)s” is not one of %(allowed)s") % {"value": code, "allowed": "|".join(sorted(self.boards))},
            )
        else:
            board_id = self.boards[code]
        return CostRateRow(
            year=self.year(values),
            kind=parse_choice(values, "programme_kind", CostKind.values),
            monthly_cost=parse_amount(values, "monthly_cost"),
            board_id=board_id,
        )

    def key(self, record: CostRateRow) -> tuple[int, int, str]:
        return (record.board_id, record.year, record.kind)

    def write(self, records: list[CostRateRow], result: ImportResult) -> None:
        current = {
            (r.board_id, r.year, r.kind): r
            for r in CostRate.objects.filter(
                board_id__in={r.board_id for r in records}, year__in={r.year for r in records}
            )
        }
        for record in records:
            rate = current.get((record.board_id, record.year, record.kind))
            if rate is None:
                rate = CostRate.objects.create(
                    board_id=record.board_id, year=record.year, kind=record.kind, monthly_cost=record.monthly_cost
                )
                self.counted(result, "created", record, label=rate)
            else:
                self.write_changes(result, record, rate, {"monthly_cost": record.monthly_cost})


IMPORTERS: dict[str, type[FinanceImporter]] = {
    importer.kind: importer for importer in (AllocationImporter, ExpenditureImporter, CostRateImporter)
}

"""Finance imports: `manage.py import_finance KIND FILE` for allocations, expenditures and cost rates (CSV and
XLSX), all or nothing, idempotent, and every bad cell answered as `row N, column C: reason`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry

from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.importers import AllocationImporter, CostRateImporter, ExpenditureImporter
from eduboard.finance.models import Allocation, CostRate, Expenditure, InstitutionSet
from tests.finance.world import OTHER_SCHOOL, PRESCHOOL, SCHOOL, Base, base_world
from tests.imports_helpers import Outcome, imported_counts, run_import_command
from tests.imports_helpers import write_file as write_table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english"), pytest.mark.both_databases]

ALLOCATION_COLUMNS = ["year", "institution", "purpose", "source", "amount"]
EXPENDITURE_COLUMNS = ["year", "institution", "purpose", "source", "date", "amount", "document", "description"]
COST_RATE_COLUMNS = ["year", "programme_kind", "monthly_cost"]

ALLOCATIONS = [
    ["2024", "all preschools", "teaching_aids", "state", "61716"],
    ["2024", "all preschools", "teaching_aids", "municipal", "55755.00"],
    ["2024", SCHOOL, "meals", "state", "12000.50"],
]
EXPENDITURES = [
    ["2024", "all preschools", "teaching_aids", "state", "2024-03-12", "1210.40", "VB-PII-2024/01", "Mācību grāmatas"],
    ["2024", "all preschools", "teaching_aids", "state", "2024-05-21", "1475.18", "VB-PII-2024/02", "Spēles"],
    ["2024", "all preschools", "teaching_aids", "state", "2024-08-02", "789.35", "VB-PII-2024/03", ""],
    ["2024", SCHOOL, "meals", "state", "2024-02-01", "3000", "VB-VS-1", "Pusdienas"],
]
COST_RATES = [
    ["2024", "preschool_day", "300.18"],
    ["2024", "preschool_24h", "474.09"],
    ["2024", "general", "93.24"],
    ["2024", "interest", "24.23"],
]


@pytest.fixture(autouse=True)
def base() -> Base:
    world = base_world()
    preschools = InstitutionSet.objects.create(name="all preschools")
    preschools.members.set([world.preschool])
    return world


# --- files and the command


def write_file(
    tmp_path: Path, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "csv"
) -> Path:
    return write_table(tmp_path, fmt, name, header, rows)


def import_file(kind: str, path: Path) -> Outcome:
    return run_import_command("import_finance", kind, str(path))


def finance_counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in (Allocation, Expenditure, CostRate)}


def allocations_file(tmp_path: Path, fmt: str = "csv") -> Path:
    return write_file(tmp_path, "allocations", ALLOCATION_COLUMNS, ALLOCATIONS, fmt)


# --- good files


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_allocations_file_names_institutions_by_registration_number_or_group_name(
    tmp_path: Path, fmt: str, base: Base
) -> None:
    outcome = import_file("allocations", allocations_file(tmp_path, fmt))
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome) == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    preschools = Allocation.objects.filter(institution_set__name="all preschools").order_by("amount")
    assert [(a.source.code, a.amount) for a in preschools] == [
        ("municipal", Decimal("55755.00")),
        ("state", Decimal("61716.00")),
    ]
    school = Allocation.objects.get(institution=base.school)
    assert (school.year, school.purpose, school.amount) == (2024, "meals", Decimal("12000.50"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_expenditures_file_records_spending_of_existing_allocations(tmp_path: Path, fmt: str) -> None:
    assert import_file("allocations", allocations_file(tmp_path)).status == 0
    outcome = import_file("expenditures", write_file(tmp_path, "spent", EXPENDITURE_COLUMNS, EXPENDITURES, fmt))
    assert outcome.status == 0, outcome.err
    assert imported_counts(outcome)["created"] == 4
    state = Allocation.objects.get(institution_set__name="all preschools", source__code="state")
    assert sorted(state.expenditures.values_list("document", "date", "amount")) == [
        ("VB-PII-2024/01", date(2024, 3, 12), Decimal("1210.40")),
        ("VB-PII-2024/02", date(2024, 5, 21), Decimal("1475.18")),
        ("VB-PII-2024/03", date(2024, 8, 2), Decimal("789.35")),
    ]
    assert Expenditure.objects.get(document="VB-PII-2024/01").description == "Mācību grāmatas"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cost_rates_file_stores_the_approved_costs_per_learner(tmp_path: Path, fmt: str) -> None:
    outcome = import_file("cost_rates", write_file(tmp_path, "rates", COST_RATE_COLUMNS, COST_RATES, fmt))
    assert outcome.status == 0, outcome.err
    assert dict(CostRate.objects.filter(year=2024).values_list("kind", "monthly_cost")) == {
        "preschool_day": Decimal("300.18"),
        "preschool_24h": Decimal("474.09"),
        "general": Decimal("93.24"),
        "interest": Decimal("24.23"),
    }


def test_group_names_are_matched_whatever_their_case(tmp_path: Path) -> None:
    path = write_file(tmp_path, "a", ALLOCATION_COLUMNS, [["2024", "All Preschools", "meals", "other", "10"]])
    assert import_file("allocations", path).status == 0
    assert Allocation.objects.get().institution_set.name == "all preschools"  # type: ignore[union-attr]


def test_xlsx_cells_typed_as_numbers_and_dates_are_read(tmp_path: Path) -> None:
    assert import_file("allocations", allocations_file(tmp_path)).status == 0
    rows = [[2024, SCHOOL, "meals", "state", date(2024, 2, 1), 3000.25, "VB-VS-1", "Pusdienas"]]
    outcome = import_file("expenditures", write_file(tmp_path, "typed", EXPENDITURE_COLUMNS, rows, "xlsx"))
    assert outcome.status == 0, outcome.err
    assert Expenditure.objects.get().amount == Decimal("3000.25")


# --- idempotence


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_the_same_files_twice_changes_nothing(tmp_path: Path, fmt: str) -> None:
    files = [
        ("allocations", allocations_file(tmp_path, fmt)),
        ("expenditures", write_file(tmp_path, "spent", EXPENDITURE_COLUMNS, EXPENDITURES, fmt)),
        ("cost_rates", write_file(tmp_path, "rates", COST_RATE_COLUMNS, COST_RATES, fmt)),
    ]
    for kind, path in files:
        assert import_file(kind, path).status == 0
    counts = finance_counts()
    stored = sorted(Allocation.objects.values_list("pk", "amount", "version"))
    audit_entries = LogEntry.objects.count()
    for kind, path in files:
        outcome = import_file(kind, path)
        assert imported_counts(outcome)["created"] == imported_counts(outcome)["updated"] == 0
        assert imported_counts(outcome)["unchanged"] == imported_counts(outcome)["rows"]
    assert finance_counts() == counts
    assert sorted(Allocation.objects.values_list("pk", "amount", "version")) == stored
    assert LogEntry.objects.count() == audit_entries


def test_a_changed_amount_is_updated_in_place_and_reaches_the_audit_trail(tmp_path: Path) -> None:
    assert import_file("allocations", allocations_file(tmp_path)).status == 0
    changed = [
        [*row[:4], "62000.00"] if row[3] == "state" and row[1] == "all preschools" else row for row in ALLOCATIONS
    ]
    outcome = import_file("allocations", write_file(tmp_path, "changed", ALLOCATION_COLUMNS, changed))
    assert imported_counts(outcome) == {"rows": 3, "created": 0, "updated": 1, "unchanged": 2}
    allocation = Allocation.objects.get(institution_set__name="all preschools", source__code="state")
    assert (allocation.amount, allocation.version) == (Decimal("62000.00"), 2)
    entry = LogEntry.objects.get_for_object(allocation).filter(action=LogEntry.Action.UPDATE).get()
    assert [Decimal(v) for v in entry.changes_dict["amount"]] == [Decimal("61716.00"), Decimal("62000.00")]


def test_an_overspent_allocation_is_warned_about_and_the_file_still_imports(tmp_path: Path) -> None:
    assert import_file("allocations", allocations_file(tmp_path)).status == 0
    rows = [["2024", SCHOOL, "meals", "state", "2024-06-01", "12000.51", "VB-VS-9", ""]]
    outcome = import_file("expenditures", write_file(tmp_path, "over", EXPENDITURE_COLUMNS, rows))
    assert outcome.status == 0
    assert any(line.startswith("warning:") and "12000.51" in line for line in outcome.err.splitlines())
    assert Expenditure.objects.count() == 1


# --- bad files: row and column, nothing saved, non-zero exit

BAD_ALLOCATIONS: list[tuple[str, list[str], str, str]] = [
    ("unknown institution", ["2024", "9999999999", "meals", "state", "10"], "institution", "neither a registration"),
    ("unknown group", ["2024", "all gymnasiums", "meals", "state", "10"], "institution", "neither a registration"),
    ("bad source code", ["2024", SCHOOL, "meals", "budget", "10"], "source", "is not one of"),
    ("bad purpose code", ["2024", SCHOOL, "food", "state", "10"], "purpose", "is not one of"),
    ("three decimals", ["2024", SCHOOL, "meals", "state", "10.005"], "amount", "at most 2 decimals"),
    ("decimal comma", ["2024", SCHOOL, "meals", "state", "10,50"], "amount", "with a dot"),
    ("negative amount", ["2024", SCHOOL, "meals", "state", "-10"], "amount", "with a dot"),
    ("bad year", ["24", SCHOOL, "meals", "state", "10"], "year", "outside 2000–2100"),
    ("empty amount", ["2024", SCHOOL, "meals", "state", ""], "amount", "required"),
]


@pytest.mark.parametrize(
    ("bad_row", "column", "reason"),
    [case[1:] for case in BAD_ALLOCATIONS],
    ids=[case[0] for case in BAD_ALLOCATIONS],
)
def test_a_bad_allocation_row_is_named_by_row_and_column_exits_non_zero_and_saves_nothing(
    tmp_path: Path, bad_row: list[str], column: str, reason: str
) -> None:
    rows = [ALLOCATIONS[0], ALLOCATIONS[1], bad_row, ALLOCATIONS[2]]
    outcome = import_file("allocations", write_file(tmp_path, "bad", ALLOCATION_COLUMNS, rows))
    assert outcome.status != 0
    assert len(outcome.error_lines) == 1, outcome.err
    assert outcome.error_lines[0].startswith(f"row 4, column {column}: ")
    assert reason in outcome.error_lines[0]
    assert "Nothing was imported" in outcome.err
    assert finance_counts() == {"Allocation": 0, "Expenditure": 0, "CostRate": 0}


BAD_EXPENDITURES: list[tuple[str, list[str], str, str]] = [
    (
        "no such allocation",
        ["2024", SCHOOL, "salaries", "state", "2024-02-01", "10", "X-1", ""],
        "institution",
        "no 2024 allocation",
    ),
    (
        "allocation of another institution",
        ["2024", OTHER_SCHOOL, "meals", "state", "2024-02-01", "10", "X-1", ""],
        "institution",
        "no 2024 allocation",
    ),
    ("bad date", ["2024", SCHOOL, "meals", "state", "01.02.2024", "10", "X-1", ""], "date", "YYYY-MM-DD"),
    ("impossible date", ["2024", SCHOOL, "meals", "state", "2024-02-30", "10", "X-1", ""], "date", "YYYY-MM-DD"),
    ("date in another year", ["2024", SCHOOL, "meals", "state", "2025-01-02", "10", "X-1", ""], "date", "2024"),
    ("zero amount", ["2024", SCHOOL, "meals", "state", "2024-02-01", "0.00", "X-1", ""], "amount", "above zero"),
    ("comma amount", ["2024", SCHOOL, "meals", "state", "2024-02-01", "1,5", "X-1", ""], "amount", "with a dot"),
    ("3 decimals", ["2024", SCHOOL, "meals", "state", "2024-02-01", "1.555", "X-1", ""], "amount", "2 decimals"),
    ("no document", ["2024", SCHOOL, "meals", "state", "2024-02-01", "10", "", ""], "document", "required"),
]


@pytest.mark.parametrize(
    ("bad_row", "column", "reason"),
    [case[1:] for case in BAD_EXPENDITURES],
    ids=[case[0] for case in BAD_EXPENDITURES],
)
def test_a_bad_expenditure_row_is_named_by_row_and_column_and_saves_nothing(
    tmp_path: Path, bad_row: list[str], column: str, reason: str
) -> None:
    assert import_file("allocations", allocations_file(tmp_path)).status == 0
    rows = [*EXPENDITURES[:2], bad_row, *EXPENDITURES[2:]]
    outcome = import_file("expenditures", write_file(tmp_path, "bad", EXPENDITURE_COLUMNS, rows))
    assert outcome.status != 0
    assert len(outcome.error_lines) == 1, outcome.err
    assert outcome.error_lines[0].startswith(f"row 4, column {column}: ")
    assert reason in outcome.error_lines[0]
    assert Expenditure.objects.count() == 0


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [(["2024", "day_care", "300.18"], "programme_kind"), (["2024", "general", "93,24"], "monthly_cost")],
    ids=["bad programme kind", "decimal comma"],
)
def test_a_bad_cost_rate_row_is_named_by_row_and_column_and_saves_nothing(
    tmp_path: Path, bad_row: list[str], column: str
) -> None:
    outcome = import_file("cost_rates", write_file(tmp_path, "bad", COST_RATE_COLUMNS, [COST_RATES[0], bad_row]))
    assert outcome.status != 0
    assert outcome.error_lines == [line for line in outcome.error_lines if line.startswith(f"row 3, column {column}: ")]
    assert len(outcome.error_lines) == 1
    assert not CostRate.objects.exists()


@pytest.mark.parametrize(
    ("kind", "columns"),
    [("allocations", ALLOCATION_COLUMNS), ("expenditures", EXPENDITURE_COLUMNS), ("cost_rates", COST_RATE_COLUMNS)],
)
def test_a_missing_column_is_named_in_the_header_row(tmp_path: Path, kind: str, columns: list[str]) -> None:
    missing = columns[-1] if kind != "expenditures" else "amount"
    header = [column for column in columns if column != missing]
    outcome = import_file(kind, write_file(tmp_path, "header", header, [["2024"] * len(header)]))
    assert outcome.status != 0
    assert outcome.error_lines == [f"row 1, column {missing}: missing column"]


def test_a_duplicate_row_is_named_with_the_row_it_repeats(tmp_path: Path) -> None:
    rows = [ALLOCATIONS[0], ALLOCATIONS[2], ["2024", "all preschools", "teaching_aids", "state", "1.00"]]
    outcome = import_file("allocations", write_file(tmp_path, "dup", ALLOCATION_COLUMNS, rows))
    assert outcome.status != 0
    assert outcome.error_lines == ["row 4, column -: duplicate of row 2"]
    assert not Allocation.objects.exists()


def test_a_duplicate_expenditure_document_on_the_same_day_is_refused(tmp_path: Path) -> None:
    assert import_file("allocations", allocations_file(tmp_path)).status == 0
    rows = [EXPENDITURES[0], EXPENDITURES[1], [*EXPENDITURES[0][:5], "99.00", *EXPENDITURES[0][6:]]]
    outcome = import_file("expenditures", write_file(tmp_path, "dup", EXPENDITURE_COLUMNS, rows))
    assert outcome.error_lines == ["row 4, column -: duplicate of row 2"]
    assert not Expenditure.objects.exists()


def test_every_bad_row_is_listed_in_order_and_none_of_the_good_rows_is_saved(tmp_path: Path) -> None:
    rows = [
        ["2024", "9999999999", "meals", "state", "10"],
        ALLOCATIONS[0],
        ["2024", SCHOOL, "meals", "state", "1,5"],
        ALLOCATIONS[1],
        ["2024", SCHOOL, "meals", "nobody", "10"],
    ]
    outcome = import_file("allocations", write_file(tmp_path, "many", ALLOCATION_COLUMNS, rows))
    assert outcome.status == 1
    assert [line.split(":")[0] for line in outcome.error_lines] == [
        "row 2, column institution",
        "row 4, column amount",
        "row 6, column source",
    ]
    assert "3 error(s)" in outcome.err
    assert not Allocation.objects.exists()


def test_spending_of_an_allocation_that_was_never_imported_is_refused(tmp_path: Path) -> None:
    """Spending refers to allocations that exist: a file of spending alone cannot create them."""
    outcome = import_file("expenditures", write_file(tmp_path, "spent", EXPENDITURE_COLUMNS, EXPENDITURES[:1]))
    assert outcome.status != 0
    assert outcome.error_lines[0].startswith("row 2, column institution: no 2024 allocation for all preschools")


# --- the importer classes, for a user


def test_the_importer_classes_refuse_a_bad_file_with_row_errors(tmp_path: Path) -> None:
    path = write_file(tmp_path, "bad", ALLOCATION_COLUMNS, [["2024", SCHOOL, "meals", "state", "1.234"]])
    with pytest.raises(ImportFailed) as failure:
        AllocationImporter(viewer=WHOLE_CITY).run(path)
    assert [str(error) for error in failure.value.errors] == [
        "row 2, column amount: “1.234” is not an amount written with a dot and at most 2 decimals (e.g. 3474.93)"
    ]
    result = CostRateImporter(viewer=WHOLE_CITY).run(write_file(tmp_path, "rates", COST_RATE_COLUMNS, COST_RATES))
    assert result.as_dict() == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0}


def test_a_head_may_import_only_for_own_institution_not_for_a_group_with_others(
    tmp_path: Path, base: Base, make_user: Any
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [base.school])
    path = write_file(
        tmp_path,
        "mixed",
        ALLOCATION_COLUMNS,
        [["2024", SCHOOL, "meals", "state", "10"], ["2024", PRESCHOOL, "meals", "state", "10"], ALLOCATIONS[0]],
    )
    with pytest.raises(ImportFailed) as failure:
        AllocationImporter(viewer=head).run(path)
    assert [(error.row, error.column) for error in failure.value.errors] == [(3, "institution"), (4, "institution")]
    assert not Allocation.objects.exists()


def test_the_expenditure_importer_reports_overspending_as_warnings(tmp_path: Path) -> None:
    AllocationImporter(viewer=WHOLE_CITY).run(allocations_file(tmp_path))
    importer = ExpenditureImporter(viewer=WHOLE_CITY)
    importer.run(
        write_file(
            tmp_path, "over", EXPENDITURE_COLUMNS, [["2024", SCHOOL, "meals", "state", "2024-03-01", "20000", "Y", ""]]
        )
    )
    assert len(importer.warnings) == 1 and "20000" in importer.warnings[0]

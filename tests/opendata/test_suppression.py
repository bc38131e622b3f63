"""Small-cell suppression (`opendata.suppression.suppress`): counts of 1–4 withheld, a zero never; complementary
cells so that no group with a published total holds exactly one withheld cell, checked by brute force over random
tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eduboard.opendata.suppression import is_small, suppress

pytestmark = pytest.mark.one_database

Cell = tuple[int, int]


def by_row(cell: Cell) -> Hashable:
    return cell[0]


def by_column(cell: Cell) -> Hashable:
    return cell[1]


def groups_with_one_withheld(
    cells: dict[Cell, int | None], withheld: frozenset[Cell], groupings: list[Callable[[Cell], Hashable]]
) -> list[tuple[int, Hashable]]:
    """The plain check: every group of every grouping, and how many of its cells are withheld."""
    found = []
    for index, grouping in enumerate(groupings):
        counts: dict[Hashable, int] = defaultdict(int)
        for cell in cells:
            counts[grouping(cell)] += cell in withheld
        found.extend((index, group) for group, count in counts.items() if count == 1)
    return found


def test_a_count_of_one_to_four_is_withheld_and_zero_and_five_are_not() -> None:
    assert [is_small(n) for n in (0, 1, 4, 5, None)] == [False, True, True, False, False]
    assert suppress({"a": 0, "b": 5, "c": 4, "d": 1}).cells == frozenset({"c", "d"})


def test_an_institutions_total_over_grades_cannot_give_its_one_small_grade_away() -> None:
    # Institution A: 7 in grade 1, 3 in grade 2; B: 8, 6 and 12. Totals by institution and by grade are published.
    cells: dict[Cell, int | None] = {(1, 1): 7, (1, 2): 3, (2, 1): 8, (2, 2): 6, (2, 3): 12}
    found = suppress(cells, groupings=[by_row, by_column])
    # A's grade 2 (3) is small; A's total would give it away, so A's grade 1 goes too; grade 2's total would give it
    # away, so B's grade 2 goes; then grade 1's total would give A's grade 1 away, so B's grade 1 goes.
    assert found.cells == frozenset({(1, 2), (1, 1), (2, 2), (2, 1)})
    assert found.totals == frozenset()


def test_the_smallest_non_zero_partner_is_chosen_before_a_zero() -> None:
    cells: dict[Cell, int | None] = {(1, 1): 2, (1, 2): 0, (1, 3): 9, (1, 4): 30}
    assert suppress(cells, groupings=[by_row]).cells == frozenset({(1, 1), (1, 3)})
    only_zero: dict[Cell, int | None] = {(1, 1): 2, (1, 2): 0}
    assert suppress(only_zero, groupings=[by_row]).cells == frozenset({(1, 1), (1, 2)})


def test_a_group_of_one_withheld_cell_names_its_total_as_not_to_be_published() -> None:
    found = suppress({(1, 1): 3}, groupings=[by_row])
    assert found.cells == frozenset({(1, 1)}) and found.totals == frozenset({(0, 1)})


def test_cells_forced_from_another_dataset_are_withheld_with_their_complements() -> None:
    cells: dict[Cell, int | None] = {(1, 1): 20, (1, 2): 30, (1, 3): 40}
    assert suppress(cells, groupings=[by_row], forced=[(1, 3)]).cells == frozenset({(1, 3), (1, 1)})


tables = st.dictionaries(
    st.tuples(st.integers(0, 4), st.integers(0, 4)),
    st.one_of(st.integers(0, 12), st.none()),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_group_with_a_published_total_holds_exactly_one_withheld_cell(cells: dict[Cell, int | None]) -> None:
    groupings: list[Callable[[Cell], Hashable]] = [by_row, by_column, lambda cell: (cell[0] + cell[1]) % 2]
    found = suppress(cells, groupings=groupings)
    for cell, count in cells.items():  # every small count is withheld, every withheld cell is a count
        assert (cell in found.cells) >= is_small(count)
        assert cell not in found.cells or count is not None
    # Brute force: a group with exactly one withheld cell is one whose total is named as not to be published.
    assert set(groups_with_one_withheld(cells, found.cells, groupings)) == set(found.totals)
    for index, group in found.totals:  # and that only happens where no other cell was left to withhold
        members = [cell for cell in cells if groupings[index](cell) == group]
        assert all(cell in found.cells or cells[cell] is None for cell in members)

"""Small-cell suppression of the open datasets: a count of 1 to 4 people is withheld, and so is a second cell of every
group whose total is published elsewhere when it would otherwise hold the only withheld cell (complementary
suppression), so that the total less the published cells cannot give the withheld one away.

One pure function, no database: the datasets (`opendata.datasets`) hand it their cells and the groups of cells whose
totals are published (an institution's total over its grades, a grade's total over the institutions, ...).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

#: A cell under this many people (and above zero) is withheld: a true zero discloses no one.
THRESHOLD = 5

K = TypeVar("K", bound=Hashable)

#: A grouping: the group (whose total is published) a cell's key falls in.
Grouping = Callable[[K], Hashable]


@dataclass(frozen=True)
class Suppression(Generic[K]):
    """What to withhold: the cells, and the groups whose totals would still give a cell away (a group of one withheld
    cell and no other to withhold with it); `totals` holds (the grouping's index, the group)."""

    cells: frozenset[K]
    totals: frozenset[tuple[int, Hashable]]


def is_small(count: int | None, threshold: int = THRESHOLD) -> bool:
    """Whether a count of people is withheld of itself (primary suppression): 1 to threshold − 1."""
    return count is not None and 0 < count < threshold


def suppress(
    cells: Mapping[K, int | None],
    *,
    groupings: Sequence[Grouping[K]] = (),
    forced: Iterable[K] = (),
    threshold: int = THRESHOLD,
) -> Suppression[K]:
    """The cells to withhold among `cells` (key -> count of people; None: no figure, never withheld).

    Primary: every count from 1 to `threshold` − 1, and the cells of `forced` (withheld in another dataset that
    publishes them too). Complementary: in each group of each grouping (the cells whose total is published), while
    exactly one cell is withheld, the smallest other cell is withheld too (a non-zero one first, then a zero; ties by
    the cells' order), repeated over every grouping until nothing changes. A group whose
    only other cells are already withheld or missing cannot be protected this way: its total is named in `totals`.
    """
    first = set(forced)
    withheld = {key for key, count in cells.items() if is_small(count, threshold) or key in first}
    order = {key: index for index, key in enumerate(cells)}
    members: list[dict[Hashable, list[K]]] = []
    for grouping in groupings:
        groups: dict[Hashable, list[K]] = defaultdict(list)
        for key in cells:
            groups[grouping(key)].append(key)
        members.append(groups)
    changed = True
    while changed:
        changed = False
        for groups in members:
            for keys in groups.values():
                hidden = [key for key in keys if key in withheld]
                if len(hidden) != 1:
                    continue
                others = [key for key in keys if key not in withheld and cells[key] is not None]
                if not others:
                    continue
                partner = min(others, key=lambda key: (cells[key] == 0, cells[key] or 0, order[key]))
                withheld.add(partner)
                changed = True
    totals = {
        (index, group)
        for index, groups in enumerate(members)
        for group, keys in groups.items()
        if sum(key in withheld for key in keys) == 1
    }
    return Suppression(cells=frozenset(withheld), totals=frozenset(totals))

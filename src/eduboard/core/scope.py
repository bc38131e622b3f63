"""Who is looking: the viewer that every scoped read and write takes.

A viewer is a user (signed in or anonymous) or `WHOLE_CITY`, the explicit value for work done for the
whole board outside a request (management commands, the board's report editions), or either of them `Narrowed` to
one board's institutions (`--board`, `?board=`) or `limited_to` some institutions (the board's own, whose figures
the board's report and dashboard are: `registry.board_scope.boards_own_viewer`). There is no default:
every `visible_to(viewer)`, selector, importer and scoped field takes one, and `None` is refused, so a
forgotten argument fails loudly instead of opening the whole city.

Querysets of every model family answer two questions with one definition each:
- `visible_to(viewer)`: the rows the viewer may read;
- `editable_by(viewer)`: the rows the viewer may change or link to another row (by default the visible ones;
  a family narrows it where reading reaches further than writing, e.g. a learner who moved to another school).
City-wide reference data (programmes, funding sources, forms, …) uses `ReferenceQuerySet`: everyone signed in
reads it, and the role decides who may change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser


class WholeCity:
    """The board's view of the whole city, for work outside a request (commands, report editions)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    sees_all_institutions = True
    pk = None

    def institution_scope(self) -> set[int] | None:
        """Every institution."""
        return None

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """The whole city's view may read every figure; it never reaches a write path that asks more."""
        return True

    def __repr__(self) -> str:
        return "WHOLE_CITY"


WHOLE_CITY = WholeCity()


class CityInstitutions(WholeCity):
    """The whole city's view of some of its institutions (the board's own: `registry.board_scope.boards_own_viewer`):
    it works for every board as WHOLE_CITY does, and reads the rows of those institutions only."""

    def __init__(self, institutions: set[int]) -> None:
        self.institutions = frozenset(institutions)

    def institution_scope(self) -> set[int]:
        """The chosen institutions."""
        return set(self.institutions)

    def __repr__(self) -> str:
        return f"CityInstitutions({len(self.institutions)} institutions)"


def limited_to(viewer: Viewer, institutions: set[int]) -> Viewer:
    """`viewer` reading the rows of `institutions` only (those among its own), and the same viewer for every other
    question: its boards (a board chosen is kept), its permissions, its name in the audit trail."""
    if isinstance(viewer, WholeCity) and institution_scope(viewer) is None:
        return CityInstitutions(institutions)
    return Narrowed(viewer, institutions, board_id=getattr(viewer, "board_id", None))


class Narrowed:
    """A viewer narrowed to some institutions: one board chosen among several (`--board`, `?board=`).

    It sees what its viewer sees within those institutions, and is that viewer for every other question (its
    permissions, its name in the audit trail)."""

    def __init__(self, viewer: Viewer, institutions: set[int], *, board_id: int | None = None) -> None:
        if viewer is None:
            raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
        self.viewer = viewer
        self.institutions = frozenset(institutions)
        self.board_id = board_id  # the board chosen, when the institutions are one board's

    def institution_scope(self) -> set[int]:
        """The viewer's institutions among the chosen ones."""
        base = institution_scope(self.viewer)
        return set(self.institutions) if base is None else base & self.institutions

    def __getattr__(self, name: str) -> Any:
        return getattr(self.viewer, name)

    def __repr__(self) -> str:
        return f"Narrowed({self.viewer!r}, {len(self.institutions)} institutions)"


Viewer: TypeAlias = "AbstractUser | AnonymousUser | WholeCity | Narrowed"  # CityInstitutions is a WholeCity


def institution_scope(viewer: Viewer) -> set[int] | None:
    """The ids of the institutions `viewer` may see, or None for the whole city.

    Anonymous visitors see no institution's internal data (an empty set). `None` is not a viewer.
    """
    if viewer is None:
        raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
    if isinstance(viewer, WholeCity):
        return viewer.institution_scope()
    if not viewer.is_authenticated:
        return set()
    scope: set[int] | None = cast(Any, viewer).institution_scope()
    return scope


def sees_whole_city(viewer: Viewer) -> bool:
    """Whether `viewer` acts for the whole of its board(s): the board's roles and WHOLE_CITY (also when narrowed to
    one board), as against an institution's roles. Which rows it reads is `institution_scope`'s question: on a
    deployment of several boards a board's role sees its own boards' institutions only."""
    if viewer is None:
        raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
    return bool(viewer.is_authenticated and getattr(viewer, "sees_all_institutions", False))


def acting_user(viewer: Viewer) -> Any:
    """The signed-in user behind a viewer (a narrowed one's too), for a record's "by whom"; None for the whole
    city's tools (commands, workers) and anonymous visitors."""
    user = getattr(viewer, "viewer", viewer)
    return user if getattr(user, "pk", None) and getattr(user, "is_authenticated", False) else None


_M = TypeVar("_M", bound=models.Model)


class ReferenceQuerySet(models.QuerySet[_M]):
    """City-wide reference data: every signed-in viewer reads it; roles decide who changes it."""

    def visible_to(self, viewer: Viewer) -> ReferenceQuerySet[_M]:
        """All rows for signed-in viewers, none for anonymous ones."""
        if viewer is None:
            raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
        return self if viewer.is_authenticated else self.none()

    def editable_by(self, viewer: Viewer) -> ReferenceQuerySet[_M]:
        """The same rows: whether the viewer may change them is the role's question."""
        return self.visible_to(viewer)


def scoped(queryset: models.QuerySet[Any], viewer: Viewer, *, editing: bool = False) -> models.QuerySet[Any]:
    """`queryset` narrowed to what `viewer` may read (or change, with `editing`), by its family's one rule."""
    method = "editable_by" if editing else "visible_to"
    narrow = getattr(queryset, method, None)
    if narrow is None:
        raise TypeError(f"{queryset.model.__name__} has no {method}(viewer): give its queryset a scope rule.")
    result: models.QuerySet[Any] = narrow(viewer)
    return result

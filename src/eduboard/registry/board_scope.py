"""One board among several: the viewer a `--board CODE` option or a `?board=CODE` parameter narrows to, and the
figures-only view of the ministry (issue 41).

- `board_viewer(viewer, code)`: the viewer narrowed to the board's institutions (`core.scope.Narrowed`); a user
  who does not work for that board is refused, so `?board=` never widens what anyone sees.
- `figures_viewer(user)`: whom a stats family is computed for: the user, or for the ministry (which reads no
  institution's rows) the whole deployment, whose figures are then `withheld` below five.
- `boards_own_viewer(viewer)`: the viewer reading the board's own institutions only (`InstitutionQuerySet.boards_own`),
  whom every figure labelled as the board's is computed for; `state_founded_viewer(viewer)`: the state's, listed apart.
- `boards_figures_viewer(viewer)`: the one rule of whose figures a board's reader gets: the board's own institutions'
  for a board's role, WHOLE_CITY and the ministry (`core.scope.sees_whole_city`), an institution's role's own
  institutions' whoever founded them. The readiness report, the dashboards and every `*_stats` command and
  `/stats/` route read through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from eduboard.core.scope import WHOLE_CITY, Narrowed, Viewer, institution_scope, limited_to, sees_whole_city
from eduboard.registry.boards import Board, board_by_code, several_boards, viewer_boards
from eduboard.registry.models import Institution

#: The `?board=` parameter of every stats API, as the schema states it.
BOARD_PARAMETER = OpenApiParameter(
    "board", OpenApiTypes.STR, description="a board's code: that board's figures only (every board you see if absent)"
)
#: A count below this is withheld from the ministry's figures (a cell that could point at a child).
SMALLEST_SHOWN = 5


def works_for(viewer: Viewer, board: Board) -> bool:
    """Whether `viewer` may read `board`'s figures: the boards it works for (`boards.viewer_boards`: every board for
    WHOLE_CITY, superusers and the ministry)."""
    mine = viewer_boards(viewer)
    return mine is None or board.pk in mine


def board_viewer(viewer: Viewer, code: str | None) -> Viewer:
    """`viewer` narrowed to the board with `code` (unchanged when no code is given)."""
    if not code:
        return viewer
    board = board_by_code(code)
    if not works_for(viewer, board):
        raise PermissionDenied(_("You do not work for the board “%(code)s”.") % {"code": board.code})
    return Narrowed(viewer, set(board.institutions.values_list("pk", flat=True)), board_id=board.pk)


def whole_board(board: Board) -> Viewer:
    """The whole of one board, whose report is computed for it (a draft edition, a published one's frozen figures):
    WHOLE_CITY on a deployment of one board (the figures are the same, and kept once), else the board's
    institutions."""
    if not several_boards():
        return WHOLE_CITY
    return Narrowed(WHOLE_CITY, set(board.institutions.values_list("pk", flat=True)), board_id=board.pk)


def boards_own_viewer(viewer: Viewer) -> Viewer:
    """`viewer` reading the board's own institutions only (`Institution.objects.boards_own()`: founded by the board's
    municipality) among those it sees: every figure labelled as the board's (the readiness report's sections, a
    board's dashboard) is computed for it, so a state-founded institution in the registry counts in none of them.
    The viewer itself when it sees no state-founded institution (one query then, two otherwise)."""
    scope = institution_scope(viewer)
    state = Institution.objects.state_founded()
    if scope is not None:
        state = state.filter(pk__in=scope)
    if not state.exists():
        return viewer
    own = Institution.objects.boards_own()
    if scope is not None:
        own = own.filter(pk__in=scope)
    return limited_to(viewer, set(own.values_list("pk", flat=True)))


def boards_figures_viewer(viewer: Viewer) -> Viewer:
    """Whom the figures `viewer` reads of its board are computed for: the board's own institutions among those it
    sees when it acts for the whole of its board(s) (a board's role, WHOLE_CITY, the ministry's whole deployment,
    each also narrowed to one board), so no state-founded institution's rows count in them; else (an institution's
    role) the viewer itself, whose figures are its institutions' whoever founded them."""
    return boards_own_viewer(viewer) if sees_whole_city(viewer) else viewer


def state_founded_viewer(viewer: Viewer) -> Viewer:
    """`viewer` reading the state-founded institutions only (`Institution.objects.state_founded()`) among those it
    sees: the figures that list them apart from the board's (one query)."""
    return limited_to(viewer, set(Institution.objects.state_founded().values_list("pk", flat=True)))


def is_national(viewer: Viewer) -> bool:
    return bool(getattr(viewer, "is_national", False))


def figures_viewer(viewer: Viewer, code: str | None = None, *, boards_own: bool = True) -> Viewer:
    """Whom a stats family is computed for: the viewer, narrowed to a board when `code` is given; for the ministry,
    the whole deployment (or the board), since its own scope holds no institution's rows. With `boards_own` (every
    family but the projects, which are the city's whoever runs them, as in the report) a board's reader counts the
    board's own institutions only (`boards_figures_viewer`)."""
    base: Viewer = WHOLE_CITY if is_national(viewer) else viewer
    if code and is_national(viewer):
        board = board_by_code(code)
        chosen: Viewer = Narrowed(WHOLE_CITY, set(board.institutions.values_list("pk", flat=True)), board_id=board.pk)
    else:
        chosen = board_viewer(base, code)
    return boards_figures_viewer(chosen) if boards_own else chosen


def withheld(figures: Any) -> Any:
    """`figures` with every count from 1 to 4 replaced by None (null in JSON): what the ministry reads. Shares,
    amounts and means (decimals) and zeros are kept; keys are never changed."""
    if isinstance(figures, dict):
        return {key: withheld(value) for key, value in figures.items()}
    if isinstance(figures, list | tuple):
        return [withheld(value) for value in figures]
    if isinstance(figures, int) and not isinstance(figures, bool) and 0 < figures < SMALLEST_SHOWN:
        return None
    return figures


def figures_for(viewer: Viewer, code: str | None, compute: Callable[[Viewer], Any], *, boards_own: bool = True) -> Any:
    """A stats family's figures for `viewer` (narrowed to the board `code`, `figures_viewer`), withheld below five
    for the ministry."""
    figures = compute(figures_viewer(viewer, code, boards_own=boards_own))
    return withheld(figures) if is_national(viewer) else figures


def add_board_argument(parser: CommandParser) -> None:
    """The `--board CODE` option of every `*_stats` command."""
    parser.add_argument("--board", help="a board's code: that board's figures only (every board's when absent)")


def command_viewer(options: dict[str, Any], *, boards_own: bool = True) -> Viewer:
    """The viewer of a command: the whole deployment, or the board its `--board` names; with `boards_own` (every
    `*_stats` family but the projects) their board's own institutions only (`boards_figures_viewer`)."""
    try:
        chosen = board_viewer(WHOLE_CITY, options.get("board"))
        return boards_figures_viewer(chosen) if boards_own else chosen
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from error


def board_report_viewer(options: dict[str, Any]) -> Viewer:
    """Whom a board's report made by a command (`build_report --board CODE`) is computed for: the whole of the board
    named; on a deployment of several boards one must be named, on a deployment of one the whole deployment."""
    code = options.get("board")
    try:
        if code:
            return whole_board(board_by_code(code))
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from error
    if several_boards():
        known = "|".join(Board.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(f"This deployment has several boards: name the report's board with --board ({known}).")
    return WHOLE_CITY


def refuse_without(request: Any, permission: str) -> None:
    """Refuse (403) an API request for a stats family whose user lacks `permission`; the ministry reads every
    family's figures without any."""
    if permission and not is_national(request.user) and not request.user.has_perm(permission):
        raise ApiPermissionDenied


def api_figures(
    request: Any, compute: Callable[[Viewer], Any], permission: str = "", *, boards_own: bool = True
) -> Any:
    """`figures_for` the signed-in user of an API request and its `?board=`: refused without `permission`
    (`refuse_without`); an unknown board is a 404 that says which boards there are."""
    refuse_without(request, permission)
    try:
        return figures_for(request.user, request.query_params.get("board"), compute, boards_own=boards_own)
    except ValidationError as error:  # no such board: the figures asked for do not exist
        raise NotFound(" ".join(error.messages)) from error
    except PermissionDenied as error:
        raise ApiPermissionDenied(str(error)) from error

"""A board's reference data (issue 41): rows that belong to one board, as its institutions do — its funding
sources, meal and risk rules, pass thresholds, surveys and report editions.

- `BoardData`: the abstract model, a required `board`; a row saved without one joins the deployment's only board
  (so a one-city installation works as before boards), and is refused with a clear message when there are several.
- `BoardDataQuerySet`: every viewer reads and changes the rows of the boards it works for (`boards.viewer_boards`,
  the one rule; every row on a deployment of one board) and `of_board(board)` picks one board's rows for a figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from eduboard.core.api import ScopedSlugRelatedField
from eduboard.core.forms import ScopedFormMixin
from eduboard.core.scope import ReferenceQuerySet, Viewer
from eduboard.registry.boards import Board, boards_changed_by, viewer_boards

_M = TypeVar("_M", bound=models.Model)


class BoardDataQuerySet(ReferenceQuerySet[_M]):
    """A board's reference data: the rows of the boards the viewer works for."""

    def visible_to(self, viewer: Viewer) -> BoardDataQuerySet[_M]:
        rows: BoardDataQuerySet[_M] = super().visible_to(viewer)  # type: ignore[assignment]
        mine = viewer_boards(viewer)
        return rows if mine is None else rows.filter(board_id__in=mine)

    def editable_by(self, viewer: Viewer) -> BoardDataQuerySet[_M]:
        """The visible rows of the boards whose data the viewer may change (`boards.boards_changed_by`: none for
        the ministry)."""
        return self.none() if boards_changed_by(viewer) == set() else self.visible_to(viewer)

    def of_board(self, board: Board) -> BoardDataQuerySet[_M]:
        """The rows of one board: a figure is always computed with one board's rules. A board not saved yet (the
        deployment's default before any board is made) has none."""
        return self.filter(board_id=board.pk)


class BoardData(models.Model):
    """A row of one board's reference data (gone with its board: a board is deleted only when no institution is
    its, so what goes is its defaults and settings)."""

    board = models.ForeignKey(
        Board,
        verbose_name=_("board"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The board whose data this is."),
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._fill_board()
        super().save(*args, **kwargs)

    @classmethod
    def new_row_defaults(cls, viewer: Viewer) -> dict[str, Any]:
        """What a new row a viewer adds without naming a board takes (a reference list's import): `new_row_board`."""
        return {"board": new_row_board(viewer)}

    def clean_fields(self, exclude: Any = None) -> None:
        self._fill_board()
        super().clean_fields(exclude)

    def _fill_board(self) -> None:
        """A row with no board yet joins the deployment's only board (`default_board`)."""
        if self.board_id is None:
            self.board = default_board()


def default_board() -> Board:
    """The board a row saved without one joins: the deployment's only board (made from the settings when there is
    none yet); a ValidationError naming the boards when there are several."""
    board = Board.objects.for_new_institution()
    if board is None:
        known = ", ".join(Board.objects.values_list("code", flat=True))
        raise ValidationError({"board": _("Name the board (boards: %(known)s).") % {"known": known}})
    return board


def on_new_board(fill: Callable[..., None]) -> None:
    """Run `fill(board=board)` when a board is made: how an area gives a new board its default reference data (the
    settings' and the law's defaults, which its administrator then edits). Connected in the area's `ready`."""

    def made(sender: Any, instance: Board, created: bool, raw: bool = False, **_kwargs: Any) -> None:
        if created and not raw:
            fill(board=instance)

    post_save.connect(
        made, sender=Board, weak=False, dispatch_uid=f"board-defaults:{fill.__module__}.{fill.__qualname__}"
    )


def _boards_to_choose(viewer: Viewer) -> list[Board]:
    """Up to two of the boards the viewer may change: enough to tell none, one and several apart (one query)."""
    return list(Board.objects.editable_by(viewer).order_by("pk")[:2])


def only_board(viewer: Viewer) -> Board | None:
    """The only board the viewer may change (the deployment's only board on a deployment of one); None when it may
    change several (it names one) or none."""
    boards = _boards_to_choose(viewer)
    return boards[0] if len(boards) == 1 else None


def new_row_board(viewer: Viewer) -> Board:
    """The board a new row of the viewer's joins when none is named: its only board; before any board exists, the
    deployment's first (made from the settings); a ValidationError naming its boards when it works for several (or
    for none)."""
    boards = _boards_to_choose(viewer)
    if len(boards) == 1:
        return boards[0]
    if not boards and not Board.objects.exists():
        return default_board()
    known = ", ".join(Board.objects.editable_by(viewer).values_list("code", flat=True)) or "—"
    raise ValidationError({"board": _("Name the board (boards: %(known)s).") % {"known": known}})


def new_row_board_or_problem(viewer: Viewer) -> tuple[Board | None, str]:
    """`new_row_board`, or None and why not: for an import file, which reports it on each row that needs a board."""
    try:
        return new_row_board(viewer), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


class BoardFieldMixin(ScopedFormMixin):
    """A form of a board's row (a model form whose Meta.fields list `board`, or a form with a `board` field): the
    board is a choice among those
    the viewer may change (`ScopedFormMixin` narrows it) when it works for several; with one, it is that board and
    not shown; an edited row stays its board's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["board"].disabled = True
            return
        boards = _boards_to_choose(self.viewer)
        if len(boards) == 1 or not Board.objects.exists():  # no choice: the only board's (the first, made on save)
            del self.fields["board"]
            if instance is not None and boards:
                instance.board = boards[0]


class BoardDataSerializerMixin(serializers.Serializer):
    """A serializer of a board's reference data: `board` is the board's code, needed only from a caller who works
    for several boards (the caller's only board otherwise); a row stays its board's."""

    board = ScopedSlugRelatedField(Board, slug_field="code", required=False)

    def get_unique_together_validators(self) -> list[Any]:
        """None: a unique constraint with `board` would make the board required; the model's own validation (run
        before every save) refuses a duplicate within the board instead."""
        return []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is not None:
            if "board" in attrs and attrs["board"] != self.instance.board:
                raise serializers.ValidationError({"board": [_("A row stays its board's; make a new one instead.")]})
            return attrs
        if attrs.get("board") is None:
            try:
                attrs["board"] = new_row_board(self.context["request"].user)
            except ValidationError as error:
                raise serializers.ValidationError({"board": error.message_dict["board"]}) from None
        return attrs

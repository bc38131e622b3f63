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
from eduboard.registry.boards import Board, viewer_boards

_M = TypeVar("_M", bound=models.Model)


class BoardDataQuerySet(ReferenceQuerySet[_M]):
    """A board's reference data: the rows of the boards the viewer works for."""

    def visible_to(self, viewer: Viewer) -> BoardDataQuerySet[_M]:
        rows: BoardDataQuerySet[_M] = super().visible_to(viewer)  # type: ignore[assignment]
        mine = viewer_boards(viewer)
        return rows if mine is None else rows.filter(board_id__in=mine)

    def editable_by(self, viewer: Viewer) -> BoardDataQuerySet[_M]:
        """The visible rows; none for the ministry, which changes no board's data."""
        if getattr(viewer, "is_national", False):
            return self.none()
        return self.visible_to(viewer)

    def of_board(self, board: Board | int | None) -> BoardDataQuerySet[_M]:
        """The rows of one board (given or its id); a figure is always computed with one board's rules. None: the
        deployment's first board (a viewer of every board reads the first board's rules, as before boards)."""
        if board is None:
            board = Board.objects.order_by("pk").values_list("pk", flat=True).first()
        return self.filter(board_id=board.pk if isinstance(board, Board) else board)


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
        if self.board_id is None:
            self.board = default_board()
        super().save(*args, **kwargs)

    @classmethod
    def new_row_defaults(cls, viewer: Viewer) -> dict[str, Any]:
        """What a new row a viewer adds without naming a board takes (a reference list's import): the viewer's only
        board; a ValidationError when it works for several."""
        board = only_board(viewer)
        if board is None and Board.objects.exists():
            known = ", ".join(Board.objects.editable_by(viewer).values_list("code", flat=True))
            raise ValidationError(_("Name the board (boards: %(known)s).") % {"known": known})
        return {"board": board} if board is not None else {"board": default_board()}

    def clean_fields(self, exclude: Any = None) -> None:
        if self.board_id is None:
            self.board = default_board()
        super().clean_fields(exclude)


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


def only_board(viewer: Viewer) -> Board | None:
    """The board a new row of the viewer's joins when none is named: the only board it may change (the deployment's
    only board on a deployment of one); None when it may change several (it names one) or none."""
    boards = list(Board.objects.editable_by(viewer).order_by("pk")[:2])
    return boards[0] if len(boards) == 1 else None


class BoardFieldMixin(ScopedFormMixin):
    """A model form of a board's reference data (its Meta.fields list `board`): the board is a choice among those
    the viewer may change (`ScopedFormMixin` narrows it) when it works for several; with one, it is that board and
    not shown; an edited row stays its board's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["board"]
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            field.disabled = True
            return
        only = only_board(self.viewer)
        if only is not None or not Board.objects.exists():  # no choice: the only board's (the first, made on save)
            del self.fields["board"]
            if instance is not None and only is not None:
                instance.board = only


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
            only = only_board(self.context["request"].user)
            if only is None and not Board.objects.exists():
                only = default_board()  # the deployment's first board, made from the settings
            if only is None:
                raise serializers.ValidationError({"board": [_("Name the board (its code).")]})
            attrs["board"] = only
        return attrs

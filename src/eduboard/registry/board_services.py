"""Writing boards: a new board on the deployment (`create_board`) and its administrator's edit of its names."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from eduboard.core.scope import Viewer
from eduboard.core.versions import save_versioned
from eduboard.registry.boards import Board, board_defaults, suggested_names
from eduboard.registry.importers import is_home_municipality
from eduboard.registry.models import Municipality


@transaction.atomic
def board_create(*, code: str, municipality: str, names: dict[str, str] | None = None) -> Board:
    """A new board for `municipality` (found by name, any case, or added) with `code` (lower-cased).

    Its Latvian names are `names`' or suggested from the municipality's; the deployment's first board takes the
    settings' names. Users of board roles who were given no board keep what they saw: before a second board
    exists, they are given the first one. The first board, made before its municipality was known, is linked to
    the home municipality once that has no board of its own."""
    code, place = code.strip().lower(), " ".join(municipality.split())
    if not place:
        raise ValidationError({"municipality": _("Name the municipality.")})
    if Board.objects.filter(code=code).exists():
        raise ValidationError({"code": _("There is a board with the code “%(code)s” already.") % {"code": code}})
    found = Municipality.objects.filter(name__iexact=place).first()
    if found is None:
        found = Municipality(name=place, is_home=is_home_municipality(place))
        found.full_clean()  # a name longer than the column is refused here, not by the database
        found.save()
    elif Board.objects.filter(municipality=found).exists():
        raise ValidationError(
            {"municipality": _("%(municipality)s has a board already.") % {"municipality": found.name}}
        )
    first = Board.objects.order_by("pk").first()
    if first is not None and first.municipality_id is None:
        # The first board was made before its municipality was known: it is the home one, now that it matters,
        # unless another board holds it (a board made for the home municipality by this command).
        first.municipality = (
            Municipality.objects.filter(is_home=True, board__isnull=True).exclude(pk=found.pk).order_by("pk").first()
        )
        if first.municipality is not None:
            first.save(update_fields=["municipality"])
    values: dict[str, Any] = board_defaults() if first is None else suggested_names(found.name)
    values.update({key: value for key, value in (names or {}).items() if value})
    board = Board(code=code, municipality=found, **values)
    board.full_clean()
    if first is not None:
        _keep_first_boards_users(first)
    board.save()
    return board


def _keep_first_boards_users(first: Board) -> None:
    """Give the first board to the board roles that had none (they worked for the only board there was)."""
    for user in get_user_model().objects.filter(boards__isnull=True, is_superuser=False):
        if getattr(user, "sees_all_institutions", False):
            user.boards.add(first)


@transaction.atomic
def board_save(*, board: Board, expected_version: int | None, viewer: Viewer) -> Board:
    """The board's administrator's edit of its names (a blank Latvian genitive suggested from the name), refused
    if someone saved the board since it was read (`core.versions`) or if the board is not the viewer's."""
    if not Board.objects.editable_by(viewer).filter(pk=board.pk).exists():
        raise ValidationError(_("This board is not one you work for."))
    board.fill_genitives()
    save_versioned(board, expected_version=expected_version)
    return board

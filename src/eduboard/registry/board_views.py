"""The boards' pages: the boards a user works for, and the page where a board's administrator sets its names (the
names the reports print, in each language and case)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from eduboard.core.forms import VersionedModelForm
from eduboard.core.views import scoped_object, scoped_rows
from eduboard.registry.board_services import board_save
from eduboard.registry.boards import Board

NAME_FIELDS = [
    "name",
    "name_genitive",
    "council",
    "council_genitive",
    "name_en",
    "name_genitive_en",
    "council_en",
    "council_genitive_en",
    "name_ru",
    "name_genitive_ru",
    "council_ru",
    "council_genitive_ru",
]


#: The board's thresholds (the settings FTE_WARNING_LIMIT, TRAINING_EXPIRY_WARNING_DAYS, SELF_ASSESSMENT_DUE are a
#: new board's defaults).
THRESHOLD_FIELDS = ["fte_warning_limit", "training_expiry_warning_days", "self_assessment_due"]


class BoardForm(VersionedModelForm):
    """The board's names and thresholds; `version` is the one the page was read at (a later save by someone else
    is refused)."""

    class Meta:
        model = Board
        fields = [*NAME_FIELDS, *THRESHOLD_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in THRESHOLD_FIELDS:  # a default from the settings (callable) would add a hidden "initial-" twin
            self.fields[name].show_hidden_initial = False


@permission_required("registry.view_board", raise_exception=True)
def board_list_view(request: HttpRequest) -> HttpResponse:
    """The boards of the deployment the user works for, with their institutions' count."""
    mine = scoped_rows(request, Board, editing=True).select_related("municipality")
    return render(
        request,
        "registry/board_list.html",
        {"boards": mine, "can_change": request.user.has_perm("registry.change_board")},
    )


@permission_required("registry.change_board", raise_exception=True)
def board_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    """The board's administrator sets its names; a blank genitive is suggested from the name when saved."""
    board: Board = scoped_object(request, Board, editing=True, code=code)
    form = BoardForm(request.POST or None, instance=board)
    if request.method == "POST" and form.is_valid():
        try:
            board_save(board=form.instance, expected_version=form.edited_version(), viewer=request.user)
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The board's names were saved."))
            return redirect("registry:board_list")
    return render(request, "registry/board_form.html", {"form": form, "board": board})

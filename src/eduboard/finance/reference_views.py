"""A board's own finance reference data on one page (issue 41): its funding sources and its approved costs per
learner, which its administrator adds and changes here (the API and the import files change the same rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from eduboard.core.views import scoped_object, scoped_rows
from eduboard.finance import services
from eduboard.finance.forms import CostRateForm, FundingSourceForm
from eduboard.finance.models import CostRate, FundingSource


@permission_required("finance.view_fundingsource", raise_exception=True)
def reference_view(request: HttpRequest) -> HttpResponse:
    """The funding sources and approved costs of the boards the user works for."""
    sources = list(scoped_rows(request, FundingSource).select_related("board").order_by("board__code", "pk"))
    costs = list(scoped_rows(request, CostRate).select_related("board").order_by("board__code", "-year", "kind"))
    return render(
        request,
        "finance/reference.html",
        {
            "sources": sources,
            "costs": costs,
            "several_boards": len({row.board_id for row in [*sources, *costs]}) > 1,
            "can_change_sources": request.user.has_perm("finance.change_fundingsource"),
            "can_add_sources": request.user.has_perm("finance.add_fundingsource"),
            "can_change_costs": request.user.has_perm("finance.change_costrate"),
            "can_add_costs": request.user.has_perm("finance.add_costrate"),
        },
    )


def _edit(
    request: HttpRequest,
    *,
    model: type[FundingSource | CostRate],
    form_class: type[FundingSourceForm | CostRateForm],
    pk: int | None,
    save: Callable[[Any, int | None], object],
    saved: str,
    new_title: str,
) -> HttpResponse:
    """Add a row of the board's list, or change one of the viewer's boards' (a stale edit is refused, what was typed
    is kept)."""
    row = scoped_object(request, model, editing=True, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=row, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False), form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, saved)
            return redirect("finance:reference")
    return render(request, "finance/reference_form.html", {"form": form, "title": str(row) if row else new_title})


@permission_required("finance.add_fundingsource", raise_exception=True)
def source_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a funding source, or change one."""
    return _edit(
        request,
        model=FundingSource,
        form_class=FundingSourceForm,
        pk=pk,
        save=lambda source, version: services.funding_source_save(source=source, expected_version=version),
        saved=_("The funding source was saved."),
        new_title=_("New funding source"),
    )


@permission_required("finance.add_costrate", raise_exception=True)
def cost_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an approved cost per learner, or change one."""
    return _edit(
        request,
        model=CostRate,
        form_class=CostRateForm,
        pk=pk,
        save=lambda rate, version: services.cost_rate_save(rate=rate, expected_version=version),
        saved=_("The approved cost was saved."),
        new_title=_("New approved cost per learner"),
    )

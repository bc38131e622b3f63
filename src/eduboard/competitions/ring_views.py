"""The referee's pages at the ring: /innovation/competitions/<id>/<discipline>/ring/ lists what is left to enter
with where each result stands and the running totals; a score sheet is opened on one device at a time and entered by
two referees; the head referee undoes a bracket step with a reason. Thin: the rules are in `competitions.services`
(writes), `competitions.selectors` (reads) and `competitions.rules`."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduboard.competitions import selectors, services
from eduboard.competitions.forms import RefereeEntryForm, UndoForm
from eduboard.competitions.models import BracketUndo, Competition, Discipline, DisciplineFormat, ScoreSheet
from eduboard.competitions.views import may_change
from eduboard.core.views import scoped_object, scoped_rows

#: The cookie naming this browser as a referee's device (a random token: it says which device holds a sheet).
DEVICE_COOKIE = "eduboard_referee_device"
ENTERED = {
    "waiting": gettext_lazy("Your entry is saved; the result counts when a second referee's entry agrees."),
    "accepted": gettext_lazy("Both referees agree: the result is accepted."),
    "rematch": gettext_lazy("Both referees saw a tie: the match is fought again."),
    "disagree": gettext_lazy(
        "The two referees' entries differ; they are shown side by side. Correct yours if it was wrong."
    ),
}


def _device(request: HttpRequest) -> str:
    """This browser's device token (made on its first visit to the ring)."""
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if not (16 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()):
        token = getattr(request, "_new_device", "") or secrets.token_urlsafe(18)
        request._new_device = token  # type: ignore[attr-defined]
    return token


def _with_device(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    token = getattr(request, "_new_device", "")
    if token:
        response.set_cookie(
            DEVICE_COOKIE, token, max_age=365 * 24 * 3600, httponly=True, samesite="Lax", secure=request.is_secure()
        )
    return response


def _number(text: str) -> int:
    """A row id typed in a form, or 0 (no row) for anything that is not one."""
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _discipline(competition: Competition, code: str) -> Discipline:
    found: Discipline = get_object_or_404(competition.disciplines.all(), code=code[:40])
    return found


def _context(request: HttpRequest, competition: Competition, discipline: Discipline) -> dict[str, object]:
    sumo = discipline.format == DisciplineFormat.SUMO
    return {
        "competition": competition,
        "discipline": discipline,
        "sumo": sumo,
        "rows": selectors.ring_rows(competition, discipline),
        "totals": selectors.sumo_totals(competition, discipline) if sumo else None,
        "ranking": None if sumo else selectors.line_follower_ranking(competition, discipline),
        "can_enter": may_change(request, "competitions.change_match", competition),
        "me": request.user.pk,
        "device": _device(request),
    }


@permission_required("competitions.view_match", raise_exception=True)
def ring_view(request: HttpRequest, pk: int, discipline: str) -> HttpResponse:
    """The referee's page of a discipline: the results left to enter (each free, open on a device, waiting for the
    second referee, or with two entries that differ, side by side) and the running totals; the head referee's undo.
    POST opens a result's score sheet on this device."""
    competition = scoped_object(request, Competition, pk=pk)
    chosen = _discipline(competition, discipline)
    sumo = chosen.format == DisciplineFormat.SUMO
    if request.method == "POST":
        if not may_change(request, "competitions.change_match", competition):
            raise PermissionDenied
        match_id, team_id, number = (_number(request.POST.get(name, "")) for name in ("match", "team", "attempt"))
        try:
            if sumo:
                scoped_object(request, competition.matches.filter(discipline=chosen), editing=True, pk=match_id)
                sheet = services.score_sheet_for_match(viewer=request.user, match_id=match_id)
            else:
                scoped_object(request, competition.teams.filter(discipline=chosen), editing=True, pk=team_id)
                sheet = services.score_sheet_for_attempt(viewer=request.user, team_id=team_id, number=number)
            services.score_sheet_open(viewer=request.user, sheet_id=sheet.pk, device=_device(request))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return _with_device(request, redirect("competitions:competition_ring", pk=pk, discipline=chosen.code))
        return _with_device(request, redirect("competitions:score_sheet", pk=sheet.pk))
    context = _context(request, competition, chosen)
    context["is_head"] = competition.head_referee_id == request.user.pk and context["can_enter"]
    context["undo_form"] = UndoForm()
    context["runs"] = [] if sumo else selectors.accepted_runs(competition, chosen)
    context["undos"] = scoped_rows(request, BracketUndo.objects.select_related("undone_by")).filter(
        competition=competition, discipline=chosen
    )[:10]
    return _with_device(request, render(request, "competitions/ring.html", context))


@permission_required("competitions.view_match", raise_exception=True)
def ring_rows_view(request: HttpRequest, pk: int, discipline: str) -> HttpResponse:
    """The ring page's results and totals alone: the page asks for them again every few seconds."""
    competition = scoped_object(request, Competition, pk=pk)
    chosen = _discipline(competition, discipline)
    return render(request, "competitions/ring_rows.html", _context(request, competition, chosen))


@permission_required("competitions.view_match", raise_exception=True)
def score_sheet_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A score sheet on this device: the entry form while the device holds it; who holds it otherwise. POST
    `action=enter` saves this referee's entry, `action=close` gives the sheet up."""
    sheet: ScoreSheet = scoped_object(
        request, ScoreSheet.objects.select_related("competition", "discipline", "match__team_a", "match__team_b"), pk=pk
    )
    ring = reverse("competitions:competition_ring", args=[sheet.competition_id, sheet.discipline.code])
    device = _device(request)
    form = RefereeEntryForm(request.POST or None, sumo=sheet.match_id is not None, limit=sheet.discipline.points_to_win)
    status = 200
    if request.method == "POST":
        if not may_change(request, "competitions.change_match", sheet.competition):
            raise PermissionDenied
        if request.POST.get("action") == "close":
            services.score_sheet_close(viewer=request.user, sheet_id=sheet.pk, device=device)
            return _with_device(request, redirect(ring))
        if form.is_valid():
            data = form.cleaned_data
            seconds = data.get("seconds")
            try:
                outcome = services.referee_entry_save(
                    viewer=request.user,
                    sheet_id=sheet.pk,
                    device=device,
                    points_a=data.get("points_a"),
                    points_b=data.get("points_b"),
                    time_ms=None if seconds is None else int((seconds * Decimal(1000)).to_integral_value()),
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 409
            else:
                (messages.success if outcome in {"accepted", "waiting"} else messages.warning)(
                    request, ENTERED[outcome]
                )
                return _with_device(request, redirect(ring))
        else:
            status = 400
    sheet.refresh_from_db(fields=["holder", "device", "held_since", "accepted_at"])
    state = selectors.sheet_state(sheet, list(sheet.entries.all()), now=timezone.now())
    holds = sheet.device == device and state == "held"
    if request.method == "GET" and state == "held" and not holds:
        status = 409
    context = {
        "sheet": sheet,
        "state": state,
        "holds": holds,
        "holder": sheet.holder,
        "form": form,
        "ring": ring,
        "mine": sheet.entries.filter(referee_id=request.user.pk).first(),
    }
    return _with_device(request, render(request, "competitions/sheet.html", context, status=status))


@permission_required("competitions.change_match", raise_exception=True)
@require_POST
def bracket_undo_view(request: HttpRequest, pk: int, discipline: str) -> HttpResponse:
    """The head referee takes a result back, with a reason: a sumo bracket's last step, or a chosen run of a timed
    discipline (`run`: "<team id>-<attempt>")."""
    competition = scoped_object(request, Competition, editing=True, pk=pk)
    chosen = _discipline(competition, discipline)
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why the result is taken back."))
        return redirect("competitions:competition_ring", pk=pk, discipline=chosen.code)
    reason = form.cleaned_data["reason"]
    try:
        if chosen.format == DisciplineFormat.SUMO:
            undo = services.bracket_step_undo(
                viewer=request.user, competition_id=competition.pk, discipline_id=chosen.pk, reason=reason
            )
        else:
            team, _dash, number = request.POST.get("run", "").partition("-")
            run = scoped_object(request, competition.teams.filter(discipline=chosen), editing=True, pk=_number(team))
            undo = services.attempt_undo(
                viewer=request.user, competition_id=competition.pk, team_id=run.pk, number=_number(number),
                reason=reason,
            )  # fmt: skip
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The result of %s is taken back; the referees enter it again.") % undo.undone["match"]
        )
    return redirect("competitions:competition_ring", pk=pk, discipline=chosen.code)

"""The competitions' public pages, no sign-in, in Latvian, Russian and English: the published competitions, a
competition's live scoreboard (what is on the ring now, the sumo brackets and places, the timed disciplines'
rankings; the page renews its results by itself every few seconds without reloading), and the team registration
while it is open (a honeypot and a limit per address against bots). No child's name is shown: teams by their
team's, school's and robot's names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import condition

from eduboard.competitions import selectors, services
from eduboard.competitions.forms import TeamForm
from eduboard.competitions.models import Competition, Team
from eduboard.core.public import client_address, over_limit, render_in, url_language

PREFIX = "/centre/"


def _published() -> Any:
    return Competition.objects.filter(published=True).prefetch_related("disciplines")


@login_not_required
def list_view(request: HttpRequest, lang: str) -> HttpResponse:
    lang = url_language(lang)
    competitions = list(_published().order_by("-date"))
    context = {"competitions": [(c, c.title(lang)) for c in competitions]}
    return render_in(request, lang, "competitions/public/competitions.html", context, prefix=PREFIX)


def _results(competition: Competition, lang: str) -> list[dict[str, Any]]:
    sections = selectors.results(competition)
    for section in sections:
        section["name"] = section["discipline"].name(lang)
    return sections


@login_not_required
@never_cache
def competition_view(request: HttpRequest, lang: str, code: str) -> HttpResponse:
    """A competition's results as they are entered."""
    lang = url_language(lang)
    competition = get_object_or_404(_published(), code=code[:60])
    context = {
        "competition": competition,
        "title": competition.title(lang),
        "sections": _results(competition, lang),
        "on_ring": selectors.on_the_ring(competition),
        "teams": Team.objects.filter(competition=competition).count(),
    }
    return render_in(request, lang, "competitions/public/competition.html", context, prefix=PREFIX)


def _live_etag(request: HttpRequest, lang: str, code: str) -> str | None:
    """The live results' ETag: the language and the results' fingerprint (`selectors.results_stamp`)."""
    competition = _published().filter(code=code[:60]).first()
    return None if competition is None else f"{url_language(lang)}-{selectors.results_stamp(competition)}"


@login_not_required
@cache_control(no_cache=True, max_age=0)
@condition(etag_func=_live_etag)
def live_view(request: HttpRequest, lang: str, code: str) -> HttpResponse:
    """The scoreboard part of the competition's page, which the page asks for again every 4 seconds: "not
    modified" (304, one cheap query) while nothing changed, else the results."""
    lang = url_language(lang)
    competition = get_object_or_404(_published(), code=code[:60])
    with translation.override(lang):
        html = render_to_string(
            "competitions/public/competition_results.html",
            {
                "sections": _results(competition, lang),
                "on_ring": selectors.on_the_ring(competition),
                "lang": lang,
                "competition": competition,
            },
        )
    response = HttpResponse(html)
    response["Content-Language"] = lang
    return response


@login_not_required
@never_cache
def register_view(request: HttpRequest, lang: str, code: str) -> HttpResponse:
    """Register a team while registration is open."""
    lang = url_language(lang)
    competition = get_object_or_404(_published(), code=code[:60])
    status = 200
    with translation.override(lang):
        form = TeamForm(request.POST or None, viewer=request.user, competition=competition, language=lang)
        if request.method == "POST":
            if form.is_bot():
                raise Http404
            if over_limit(
                "competition-team", client_address(request),
                limit=settings.CENTRE_BOOKINGS_PER_HOUR, seconds=3600,
            ):  # fmt: skip
                form.add_error(None, _("Too many registrations from this address in an hour; call the centre."))
                status = 429
            elif form.is_valid():
                data = form.cleaned_data
                team = Team(
                    discipline=data["discipline"],
                    name=" ".join(data["name"].split()),
                    school_name=" ".join(data["school_name"].split()),
                    members=data["members"],
                    robot=" ".join(data["robot"].split()),
                    coach_name=" ".join(data["coach_name"].split()),
                    coach_email=data["coach_email"],
                    coach_phone=data["coach_phone"],
                )
                try:
                    services.team_register(competition=competition, team=team)
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                    status = 409 if getattr(error, "code", "") == "closed" else 400
                else:
                    return redirect(f"{request.path}?registered={team.pk}")
            else:
                status = 400
    wanted = request.GET.get("registered", "")[:9]
    registered = Team.objects.filter(competition=competition, pk=int(wanted)).first() if wanted.isdigit() else None
    context = {
        "competition": competition,
        "title": competition.title(lang),
        "form": form,
        "open": competition.registration_open,
        "registered": registered,
    }
    return render_in(
        request, lang, "competitions/public/competition_register.html", context, prefix=PREFIX, status=status
    )

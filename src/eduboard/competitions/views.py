"""The centre's pages of robotics competitions: the competitions, their teams and robot checks, the sumo bracket
and the timed disciplines' rankings (their results are entered at the ring: `ring_views`), and the certificates as
a PDF.
Thin: writes in `competitions.services`, reads in `competitions.selectors`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduboard.centre.selectors import user_centre
from eduboard.competitions import selectors, services
from eduboard.competitions.filters import CompetitionFilter, TeamFilter
from eduboard.competitions.forms import CompetitionForm, RobotCheckForm, TeamForm
from eduboard.competitions.models import Competition, DisciplineFormat, Match, RobotCheck, Team
from eduboard.core.audit import audit_bulk_read
from eduboard.core.exports import Column
from eduboard.core.qr import qr_png_base64
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows

#: What opening a competition's page takes (`competition_detail_view`): this permission, and the competition in the
#: user's scope (`scoped_rows`); `openable_competitions` is the same test for the pages that link to it.
DETAIL_PERMISSION = "competitions.view_competition"


def openable_competitions(request: HttpRequest) -> QuerySet[Competition]:
    """The competitions whose page the user may open: none without DETAIL_PERMISSION, else those in their scope
    (a school's head reads their school's teams, not the centre's competitions)."""
    if not request.user.has_perm(DETAIL_PERMISSION):
        return Competition.objects.none()
    return scoped_rows(request, Competition)


def may_change(request: HttpRequest, permission: str, competition: Competition) -> bool:
    """Whether the user's role may do this and the competition is one they may change (their centre's)."""
    return (
        request.user.has_perm(permission)
        and scoped_rows(request, Competition, editing=True).filter(pk=competition.pk).exists()
    )


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class CompetitionListView(PermissionRequiredMixin, ScopedListView):
    """The centre's competitions with their teams and participants."""

    permission_required = "competitions.view_competition"
    filterset_class = CompetitionFilter
    template_name = "competitions/list.html"
    partial_template_name = "competitions/table.html"
    sort_fields = {"date": "date", "title": "title_lv"}
    default_sort = "-date"
    export_filename = "competitions"
    export_columns = [
        Column(gettext_lazy("Code"), lambda c: c.code),
        Column(gettext_lazy("Date"), lambda c: c.date),
        Column(gettext_lazy("Title"), lambda c: c.title(None)),
        Column(gettext_lazy("Place"), lambda c: c.place),
        Column(gettext_lazy("Teams"), lambda c: c.team_count),
    ]

    queryset = Competition.objects.annotate(team_count=Count("teams"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("competitions.add_competition")
        return context


@permission_required("competitions.view_competition", raise_exception=True)
def competition_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    competition = scoped_object(request, Competition, pk=pk) if pk else None
    can_change = request.user.has_perm(
        "competitions.change_competition" if competition else "competitions.add_competition"
    )
    centre = competition.centre if competition else user_centre(viewer=request.user)
    if centre is None:
        raise PermissionDenied(_("Your scope holds no innovation centre."))
    form = CompetitionForm(request.POST or None, instance=competition, viewer=request.user, centre_id=centre.pk)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            edited: Competition = form.save(commit=False)
            edited.centre = centre
            try:
                services.competition_save(
                    viewer=request.user,
                    competition=edited,
                    expected_version=form.edited_version(),
                    disciplines=form.cleaned_data["disciplines"],
                )
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The competition was saved."))
                return redirect("competitions:competition_detail", pk=edited.pk)
    return render(
        request,
        "competitions/form.html",
        {"competition": competition, "form": form, "can_change": can_change},
    )


@permission_required(DETAIL_PERMISSION, raise_exception=True)
def competition_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A competition: its teams per discipline with their robot checks, a team added by the staff, the draw."""
    competition = get_object_or_404(openable_competitions(request), pk=pk)
    can_change = may_change(request, "competitions.change_competition", competition)
    form = TeamForm(request.POST or None, viewer=request.user, competition=competition)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            team = Team(
                discipline=data["discipline"],
                name=data["name"],
                school_name=" ".join(data["school_name"].split()),
                members=data["members"],
                robot=data["robot"],
                coach_name=data["coach_name"],
                coach_email=data["coach_email"],
                coach_phone=data["coach_phone"],
            )
            try:
                services.team_register(viewer=request.user, competition=competition, team=team)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The team %s was registered.") % team.name)
                return redirect("competitions:competition_detail", pk=pk)
    teams = scoped_rows(request, Team.objects.select_related("discipline")).filter(competition=competition)
    matches = scoped_rows(request, Match).filter(competition=competition)
    drawn = set(matches.values_list("discipline_id", flat=True).distinct())
    sections = []
    for discipline in competition.disciplines.all():
        rows = [team for team in teams if team.discipline_id == discipline.pk]
        sections.append(
            {
                "discipline": discipline,
                "teams": [(team, RobotCheckForm(initial=_check_initial(team), prefix=f"t{team.pk}")) for team in rows],
                "passed": sum(1 for team in rows if team.robot_check == RobotCheck.PASSED),
                "drawn": discipline.pk in drawn,
                "sumo": discipline.format == DisciplineFormat.SUMO,
            }
        )
    context = {"competition": competition, "sections": sections, "form": form, "can_change": can_change}
    return render(request, "competitions/detail.html", context)


def _check_initial(team: Team) -> dict[str, Any]:
    return {
        "mass_g": team.mass_g,
        "width_mm": team.width_mm,
        "length_mm": team.length_mm,
        "height_mm": team.height_mm,
        "robot_build": team.robot_build,
        "version": team.version,
    }


@permission_required("competitions.change_team", raise_exception=True)
@require_POST
def team_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a robot's measurements; the discipline's rules decide whether it passes."""
    team = scoped_object(request, Team, editing=True, pk=pk)
    form = RobotCheckForm(request.POST, prefix=f"t{team.pk}")
    if not form.is_valid():
        for field, problems in form.errors.items():
            messages.error(request, f"{team.name}: {field}: {' '.join(str(p) for p in problems)}")
    else:
        data = form.cleaned_data
        try:
            checked = services.robot_check(
                viewer=request.user,
                team_id=team.pk,
                expected_version=data["version"],
                mass_g=data["mass_g"],
                width_mm=data["width_mm"],
                length_mm=data["length_mm"],
                height_mm=data["height_mm"],
                robot_build=data["robot_build"],
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            if checked.robot_check == RobotCheck.PASSED:
                messages.success(request, _("%s: the robot passed the check.") % checked.name)
            else:
                messages.warning(request, _("%(team)s: the robot failed: %(why)s.") % {
                    "team": checked.name, "why": checked.check_note})  # fmt: skip
    return redirect(f"{reverse('competitions:competition_detail', args=[team.competition_id])}#team-{team.pk}")


@permission_required("competitions.change_competition", raise_exception=True)
@require_POST
def draw_view(request: HttpRequest, pk: int, discipline: str) -> HttpResponse:
    """Draw a sumo discipline's bracket, by seed or at random."""
    competition = scoped_object(request, Competition, editing=True, pk=pk)
    chosen = get_object_or_404(competition.disciplines.all(), code=discipline[:40])
    try:
        count = services.bracket_draw(
            viewer=request.user,
            competition_id=competition.pk,
            discipline_id=chosen.pk,
            random_draw=request.POST.get("order") == "random",
        )
    except ValidationError as error:
        _errors(request, error)
        return redirect("competitions:competition_detail", pk=pk)
    messages.success(request, _("The bracket of %(teams)d teams is drawn.") % {"teams": count})
    return redirect("competitions:competition_matches", pk=pk, discipline=chosen.code)


@permission_required("competitions.view_match", raise_exception=True)
def matches_view(request: HttpRequest, pk: int, discipline: str) -> HttpResponse:
    """A sumo discipline's bracket and places, and the matches left to fight; their results are entered at the
    ring by two referees (`ring_views`), and the bracket advances by itself."""
    competition = scoped_object(request, Competition, pk=pk)
    chosen = get_object_or_404(competition.disciplines.filter(format=DisciplineFormat.SUMO), code=discipline[:40])
    open_matches = (
        scoped_rows(request, Match.objects.select_related("team_a", "team_b"))
        .filter(competition=competition, discipline=chosen, winner__isnull=True)
        .order_by("round", "bracket", "number")
    )
    context = {
        "competition": competition,
        "discipline": chosen,
        "open": list(open_matches),
        "rounds": selectors.bracket_rounds(competition, chosen),
        "placings": selectors.sumo_placings(competition, chosen),
    }
    return render(request, "competitions/matches.html", context)


@permission_required("competitions.view_attempt", raise_exception=True)
def attempts_view(request: HttpRequest, pk: int, discipline: str) -> HttpResponse:
    """A timed discipline's runs and ranking; the runs are entered at the ring by two timekeepers (`ring_views`)."""
    competition = scoped_object(request, Competition, pk=pk)
    chosen = get_object_or_404(
        competition.disciplines.filter(format=DisciplineFormat.LINE_FOLLOWER), code=discipline[:40]
    )
    ranking = selectors.line_follower_ranking(competition, chosen)
    context = {"competition": competition, "discipline": chosen, "ranking": ranking}
    return render(request, "competitions/attempts.html", context)


class TeamListView(PermissionRequiredMixin, ScopedListView):
    """Every registered team with its coach's contact (for the centre's letters) and robot check."""

    permission_required = "competitions.view_team"
    filterset_class = TeamFilter
    template_name = "competitions/team_list.html"
    partial_template_name = "competitions/team_table.html"
    sort_fields = {"name": "name", "school": "school_name", "competition": "competition__date"}
    default_sort = "competition"
    export_filename = "teams"
    export_columns = [
        Column(gettext_lazy("Competition"), lambda t: t.competition.code),
        Column(gettext_lazy("Discipline"), lambda t: t.discipline.code),
        Column(gettext_lazy("Team"), lambda t: t.name),
        Column(gettext_lazy("School"), lambda t: t.school_name),
        Column(gettext_lazy("Robot"), lambda t: t.robot),
        Column(gettext_lazy("Members"), lambda t: len(t.members or [])),
        Column(gettext_lazy("Coach"), lambda t: t.coach_name),
        Column(gettext_lazy("Coach's e-mail"), lambda t: t.coach_email),
        Column(gettext_lazy("Robot check"), lambda t: t.get_robot_check_display()),
    ]

    queryset = Team.objects.select_related("competition", "discipline")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """The competitions of the teams shown that the user may open: linked; the others are named only."""
        context = super().get_context_data(**kwargs)
        shown = {team.competition_id for team in context["object_list"]}
        context["openable"] = set(openable_competitions(self.request).filter(pk__in=shown).values_list("pk", flat=True))
        return context


@permission_required("competitions.view_competition", raise_exception=True)
def certificates_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A PDF of certificates, one page per member of every team whose robot competed: a diploma with the place for
    the first three of each discipline, a certificate of participation for the others. In Latvian."""
    from weasyprint import HTML

    competition = scoped_object(request, Competition, editing=True, pk=pk)
    link = request.build_absolute_uri(reverse("centre_competition", args=["lv", competition.code]))
    qr = qr_png_base64(link)
    pages = selectors.certificate_pages(competition)
    for hook in selectors.CERTIFICATE_LINKS:  # each certificate's verifiable credential (issued when missing)
        links = hook(viewer=request.user, competition=competition)
        for page in pages:
            if (address := links.get((page["team"].pk, page["name"]))) is not None:
                page["credential_link"], page["credential_qr"] = address, qr_png_base64(address)
    # The certificates name children (the teams' members): one audit entry with the number of names printed.
    audit_bulk_read(request=request, model=Team, rows=len(pages))
    with translation.override("lv"):
        html = render_to_string(
            "competitions/certificates_pdf.html",
            {"competition": competition, "pages": pages, "qr": qr, "link": link},
        )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificates-{competition.code}.pdf"'
    return response

"""Pages of interest education (interešu izglītība): the overview with its figures as of a date, the interest groups
with their leaders and clubs, the neighbourhood clubs, the municipality's licences of interest and adult
non-formal education programmes, and the collectives' participation in festivals. Thin: reads in
`interest.selectors`, rules and writes in `interest.services`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.exports import Column
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.interest import selectors, services
from eduboard.interest.filters import ClubFilter, FestivalParticipationFilter, InterestGroupFilter, LicenceFilter
from eduboard.interest.forms import ClubForm, FestivalParticipationForm, LicenceForm
from eduboard.interest.models import FestivalParticipation
from eduboard.registry.choices import InstitutionType
from eduboard.registry.filters import AsOfForm
from eduboard.registry.models import Club, Group, Institution, MunicipalLicence, enrolment_holding_q
from eduboard.registry.selectors import default_as_of, reporting_school_year


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


# --- the overview


@permission_required("registry.view_group", raise_exception=True)
def overview_view(request: HttpRequest) -> HttpResponse:
    """Interest education as of a date (default: today, or the latest school year with data): the figures, the
    programmes with their groups and participants, the clubs with their groups."""
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_date()
    return render(
        request,
        "interest/overview.html",
        {
            "form": form,
            "as_of": as_of,
            "school_year": reporting_school_year(as_of=as_of),
            "figures": selectors.interest_figures(as_of=as_of, visible_to=request.user),
            "programmes": selectors.interest_programme_rows(as_of=as_of, visible_to=request.user),
            "clubs": selectors.club_rows(as_of=as_of, visible_to=request.user),
        },
    )


# --- interest groups


class InterestGroupListView(PermissionRequiredMixin, ScopedListView):
    """Interest groups (pulciņi) in the user's scope with their programme, leader, club and learners (those not left
    by today)."""

    permission_required = "registry.view_group"
    filterset_class = InterestGroupFilter
    template_name = "interest/group_list.html"
    partial_template_name = "interest/partials/group_table.html"
    sort_fields = {
        "name": "sort_name",
        "school_year": "school_year__start_date",
        "programme": "programme__code",
        "institution": "institution__sort_name",
        "learners": "learners",
    }
    default_sort = "name"
    export_filename = "interest-groups"
    export_columns = [
        Column(gettext_lazy("School year"), lambda g: g.school_year.code),
        Column(gettext_lazy("Institution"), lambda g: g.institution.name),
        Column(gettext_lazy("Group"), lambda g: g.name),
        Column(gettext_lazy("Programme code"), lambda g: g.programme.code),
        Column(gettext_lazy("Programme"), lambda g: g.programme.name),
        Column(gettext_lazy("Field"), lambda g: g.programme.get_field_display()),
        Column(gettext_lazy("STEM"), lambda g: _yes_no(g.programme.stem)),
        Column(gettext_lazy("Club"), lambda g: g.club.name if g.club else ""),
        Column(gettext_lazy("Leader"), lambda g: str(g.leader) if g.leader else ""),
        Column(gettext_lazy("Learners"), lambda g: g.learners),
    ]

    def get_rows(self) -> QuerySet[Any]:
        active = enrolment_holding_q(timezone.localdate(), prefix="enrolments__")
        rows: QuerySet[Any] = (
            Group.objects.filter(programme__level="interest")
            .select_related("institution", "school_year", "programme", "club", "leader")
            .annotate(learners=Count("enrolments", filter=active))
        )
        return rows


# --- clubs


class ClubListView(PermissionRequiredMixin, ScopedListView):
    """Neighbourhood clubs in the user's scope, with their interest groups of the current school year."""

    permission_required = "registry.view_club"
    filterset_class = ClubFilter
    template_name = "interest/club_list.html"
    partial_template_name = "interest/partials/club_table.html"
    sort_fields = {"name": "name", "institution": "institution__sort_name", "opened_on": "opened_on"}
    default_sort = "name"
    export_filename = "clubs"
    export_columns = [
        Column(gettext_lazy("Name"), lambda c: c.name),
        Column(gettext_lazy("Institution"), lambda c: c.institution.name),
        Column(gettext_lazy("Address"), lambda c: c.address),
        Column(gettext_lazy("Opened on"), lambda c: c.opened_on),
        Column(gettext_lazy("Closed on"), lambda c: c.closed_on),
        Column(gettext_lazy("Groups this school year"), lambda c: c.year_groups),
    ]

    def get_rows(self) -> QuerySet[Any]:
        year = reporting_school_year(as_of=default_as_of())
        rows: QuerySet[Any] = Club.objects.select_related("institution").annotate(
            year_groups=Count("groups", filter=Q(groups__school_year=year))
        )
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("registry.add_club")
        return context


@permission_required("registry.view_club", raise_exception=True)
def club_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a club (heads: to their institution) or edit one of the user's scope (else 404)."""
    club = scoped_object(request, Club.objects.select_related("institution"), editing=True, pk=pk) if pk else None
    can_change = request.user.has_perm("registry.change_club" if club else "registry.add_club")
    if club is None and not can_change:
        raise PermissionDenied(_("Your role does not add clubs."))
    own = list(scoped_rows(request, Institution, editing=True).filter(type=InstitutionType.INTEREST_EDUCATION)[:2])
    initial = {"institution": own[0].pk} if club is None and len(own) == 1 else {}
    form = ClubForm(request.POST or None, instance=club, initial=initial, viewer=request.user)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role does not change clubs."))
        if form.is_valid():
            edited: Club = form.save(commit=False)
            try:
                services.club_save(club=edited, viewer=request.user, expected_version=form.edited_version())
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The club was saved."))
                return redirect("interest:club_list")
    groups: list[Group] = []
    if club is not None:
        groups = list(
            club.groups.filter(school_year=reporting_school_year(as_of=default_as_of()))
            .select_related("programme", "leader")
            .order_by("sort_name")
        )
    return render(
        request,
        "interest/club_form.html",
        {"club": club, "form": form, "can_change": can_change, "groups": groups},
    )


# --- municipal licences


class LicenceListView(PermissionRequiredMixin, ScopedListView):
    """The municipality's licences of interest and adult non-formal education programmes (up to 160 hours) with
    their validity on the chosen day (default: today); heads see their institutions' licences."""

    permission_required = "registry.view_municipallicence"
    filterset_class = LicenceFilter
    template_name = "interest/licence_list.html"
    partial_template_name = "interest/partials/licence_table.html"
    sort_fields = {
        "number": "number",
        "issued_on": "issued_on",
        "valid_until": "valid_until",
        "provider": "provider_name",
        "hours": "hours",
    }
    default_sort = "-issued_on"
    export_filename = "municipal-licences"

    def validity_day(self) -> date:
        value = self.request.GET.get("valid_on", "")
        try:
            return date.fromisoformat(value)
        except ValueError:
            return timezone.localdate()

    @property
    def export_columns(self) -> list[Column]:  # type: ignore[override]
        day = self.validity_day()
        return [
            Column(gettext_lazy("Licence number"), lambda lic: lic.number),
            Column(gettext_lazy("Kind"), lambda lic: lic.get_kind_display()),
            Column(gettext_lazy("Programme"), lambda lic: lic.programme_name),
            Column(gettext_lazy("Field"), lambda lic: lic.get_field_display()),
            Column(gettext_lazy("Hours"), lambda lic: lic.hours),
            Column(gettext_lazy("Provider"), lambda lic: lic.provider_name),
            Column(gettext_lazy("Provider's registration number"), lambda lic: lic.provider_registration_number),
            Column(gettext_lazy("In the registry"), lambda lic: _yes_no(lic.provider_id is not None)),
            Column(gettext_lazy("Decision"), lambda lic: lic.decision),
            Column(gettext_lazy("Issued on"), lambda lic: lic.issued_on),
            Column(gettext_lazy("Valid until"), lambda lic: lic.valid_until),
            Column(
                gettext_lazy("Validity"),
                lambda lic: str(selectors.VALIDITY_LABELS[selectors.licence_validity(lic, on=day)]),
            ),
        ]

    queryset = MunicipalLicence.objects.select_related("provider")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        day = self.validity_day()
        context["validity_day"] = day
        context["rows"] = [
            (
                lic,
                selectors.licence_validity(lic, on=day),
                selectors.VALIDITY_LABELS[selectors.licence_validity(lic, on=day)],
            )
            for lic in context["object_list"]
        ]
        context["can_add"] = self.request.user.has_perm("registry.add_municipallicence")
        return context


@permission_required("registry.view_municipallicence", raise_exception=True)
def licence_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or edit a municipal licence (the board's register: its roles that may change it)."""
    licence = scoped_object(request, MunicipalLicence, editing=True, pk=pk) if pk else None
    permission = "registry.change_municipallicence" if licence else "registry.add_municipallicence"
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Municipal licences are the board's register."))
    form = LicenceForm(request.POST or None, instance=licence, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        edited: MunicipalLicence = form.save(commit=False)
        try:
            services.municipal_licence_save(licence=edited, viewer=request.user, expected_version=form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The licence was saved."))
            return redirect("interest:municipal_licence_list")
    return render(request, "interest/licence_form.html", {"licence": licence, "form": form})


# --- festival participation


class FestivalParticipationListView(PermissionRequiredMixin, ScopedListView):
    """The collectives the city's institutions (and other bodies: the board's rows) send to festivals, per kind."""

    permission_required = "interest.view_festivalparticipation"
    filterset_class = FestivalParticipationFilter
    template_name = "interest/festival_list.html"
    partial_template_name = "interest/partials/festival_table.html"
    queryset = FestivalParticipation.objects.select_related("institution")
    sort_fields = {
        "year": "year",
        "festival": "festival",
        "institution": "institution__sort_name",
        "kind": "kind",
        "collectives": "collectives",
        "participants": "participants",
    }
    default_sort = "-year"
    export_filename = "festival-participation"
    export_columns = [
        Column(gettext_lazy("Festival"), lambda p: p.festival),
        Column(gettext_lazy("Year"), lambda p: p.year),
        Column(gettext_lazy("Institution"), lambda p: p.institution.name if p.institution else ""),
        Column(
            gettext_lazy("Registration number"), lambda p: p.institution.registration_number if p.institution else ""
        ),
        Column(gettext_lazy("Other body"), lambda p: p.body),
        Column(gettext_lazy("Education institution outside the registry"), lambda p: p.body_is_institution),
        Column(gettext_lazy("Kind of collective"), lambda p: p.get_kind_display()),
        Column(gettext_lazy("Collectives"), lambda p: p.collectives),
        Column(gettext_lazy("Participants"), lambda p: p.participants),
    ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("interest.add_festivalparticipation")
        return context


@permission_required("interest.view_festivalparticipation", raise_exception=True)
def festival_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a festival participation row (heads: of their institutions) or edit one of the user's scope (else 404)."""
    participation = (
        scoped_object(request, FestivalParticipation.objects.select_related("institution"), editing=True, pk=pk)
        if pk
        else None
    )
    permission = "interest.change_festivalparticipation" if participation else "interest.add_festivalparticipation"
    can_change = request.user.has_perm(permission)
    if participation is None and not can_change:
        raise PermissionDenied(_("Your role does not record festival participation."))
    form = FestivalParticipationForm(request.POST or None, instance=participation, viewer=request.user)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role does not change festival participation."))
        if form.is_valid():
            edited: FestivalParticipation = form.save(commit=False)
            try:
                services.festival_participation_save(
                    participation=edited, viewer=request.user, expected_version=form.edited_version()
                )
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The festival participation was saved."))
                return redirect("interest:festival_list")
    return render(
        request,
        "interest/festival_form.html",
        {"participation": participation, "form": form, "can_change": can_change},
    )

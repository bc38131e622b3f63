"""Pages of interest education (interešu izglītība): the overview with its figures as of a date, the interest groups
with their leaders and clubs, the neighbourhood clubs, and the municipality's licences of interest and adult
non-formal education programmes. Thin: rules and reads in `registry.interest`."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

import django_filters
from django import forms
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
from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.models import SchoolYear
from eduboard.core.text import validate_no_control_characters
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.registry import interest
from eduboard.registry.choices import InstitutionStatus, InstitutionType, InterestField, MunicipalLicenceKind
from eduboard.registry.filters import AsOfForm, institutions_in_scope
from eduboard.registry.models import Club, Group, Institution, MunicipalLicence, Programme, enrolment_holding_q
from eduboard.registry.selectors import default_as_of, reporting_school_year

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = ((True, gettext_lazy("yes")), (False, gettext_lazy("no")))


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
        "registry/interest/overview.html",
        {
            "form": form,
            "as_of": as_of,
            "school_year": reporting_school_year(as_of=as_of),
            "figures": interest.interest_figures(as_of=as_of, visible_to=request.user),
            "programmes": interest.interest_programme_rows(as_of=as_of, visible_to=request.user),
            "clubs": interest.club_rows(as_of=as_of, visible_to=request.user),
        },
    )


# --- interest groups


def _clubs_in_scope(request: HttpRequest) -> QuerySet[Club]:
    """The clubs the filter's request may choose from: the user's scope (the list view always passes its request)."""
    return scoped_rows(request, Club.objects.select_related("institution"))


class InterestGroupFilter(django_filters.FilterSet):
    """Interest groups by school year, institution, programme, field, STEM, club and a word of the name."""

    q = django_filters.CharFilter(label=gettext_lazy("Name"), field_name="name", lookup_expr="icontains")
    school_year = django_filters.ModelChoiceFilter(
        label=gettext_lazy("School year"), queryset=SchoolYear.objects.order_by("-start_date")
    )
    institution = django_filters.ModelChoiceFilter(label=gettext_lazy("Institution"), queryset=institutions_in_scope)
    programme = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Programme"), queryset=Programme.objects.filter(level="interest").order_by("code")
    )
    field = django_filters.ChoiceFilter(
        label=gettext_lazy("Field"), field_name="programme__field", choices=InterestField.choices
    )
    stem = django_filters.TypedChoiceFilter(
        label=gettext_lazy("STEM"),
        field_name="programme__stem",
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
    )
    club = django_filters.ModelChoiceFilter(label=gettext_lazy("Club"), queryset=_clubs_in_scope)

    class Meta:
        model = Group
        fields = ["q", "school_year", "institution", "programme", "field", "stem", "club"]


class InterestGroupListView(PermissionRequiredMixin, ScopedListView):
    """Interest groups (pulciņi) in the user's scope with their programme, leader, club and learners (those not left
    by today)."""

    permission_required = "registry.view_group"
    filterset_class = InterestGroupFilter
    template_name = "registry/interest/group_list.html"
    partial_template_name = "registry/interest/partials/group_table.html"
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
        return (
            Group.objects.filter(programme__level="interest")
            .select_related("institution", "school_year", "programme", "club", "leader")
            .annotate(learners=Count("enrolments", filter=active))
        )


# --- clubs


class ClubFilter(django_filters.FilterSet):
    """Clubs by institution, open or closed today, and a word of the name or address."""

    q = django_filters.CharFilter(label=gettext_lazy("Name or address"), method="search")
    institution = django_filters.ModelChoiceFilter(label=gettext_lazy("Institution"), queryset=institutions_in_scope)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=InstitutionStatus.choices, method="by_status"
    )

    class Meta:
        model = Club
        fields = ["q", "institution", "status"]

    def search(self, queryset: QuerySet[Club], name: str, value: str) -> QuerySet[Club]:
        value = value.strip()[:100]
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))

    def by_status(self, queryset: QuerySet[Club], name: str, value: str) -> QuerySet[Club]:
        open_today = interest.clubs_open_on(day=timezone.localdate(), visible_to=self.request.user)  # type: ignore[union-attr]
        if value == InstitutionStatus.ACTIVE:
            return queryset.filter(pk__in=open_today.values("pk"))
        return queryset.exclude(pk__in=open_today.values("pk"))


class ClubListView(PermissionRequiredMixin, ScopedListView):
    """Neighbourhood clubs in the user's scope, with their interest groups of the current school year."""

    permission_required = "registry.view_club"
    filterset_class = ClubFilter
    template_name = "registry/interest/club_list.html"
    partial_template_name = "registry/interest/partials/club_table.html"
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
        return Club.objects.select_related("institution").annotate(
            year_groups=Count("groups", filter=Q(groups__school_year=year))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("registry.add_club")
        return context


class ClubForm(ScopedFormMixin, VersionedModelForm):
    """A neighbourhood club of an interest-education institution of the user's scope."""

    class Meta:
        model = Club
        fields = ["institution", "name", "address", "opened_on", "closed_on"]
        widgets = {"opened_on": DATE, "closed_on": DATE}
        help_texts = {
            "name": gettext_lazy("e.g. Apkaimes brīvā laika klubs “Ruģeļi”"),
            "address": gettext_lazy("Street, house, Daugavpils"),
            "closed_on": gettext_lazy("Empty while the club works."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution = cast(forms.ModelChoiceField, self.fields["institution"])
        choices = cast(QuerySet[Institution], institution.queryset)  # the model field's, narrowed by the mixin
        institution.queryset = choices.filter(type=InstitutionType.INTEREST_EDUCATION).order_by("sort_name")
        for name in ("name", "address"):
            self.fields[name].validators.append(validate_no_control_characters)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opened, closed = data.get("opened_on"), data.get("closed_on")
        if opened and closed and closed < opened:
            self.add_error("closed_on", _("A club closes on or after the day it opens."))
        return data


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
                interest.club_save(club=edited, by=request.user, expected_version=form.edited_version())
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The club was saved."))
                return redirect("registry:club_list")
    groups: list[Group] = []
    if club is not None:
        groups = list(
            club.groups.filter(school_year=reporting_school_year(as_of=default_as_of()))
            .select_related("programme", "leader")
            .order_by("sort_name")
        )
    return render(
        request,
        "registry/interest/club_form.html",
        {"club": club, "form": form, "can_change": can_change, "groups": groups},
    )


# --- municipal licences


class LicenceFilter(django_filters.FilterSet):
    """Municipal licences by kind, validity on a date, provider in the registry, and a word of the number,
    programme or provider's name."""

    q = django_filters.CharFilter(label=gettext_lazy("Number, programme or provider"), method="search")
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=MunicipalLicenceKind.choices)
    valid_on = django_filters.DateFilter(label=gettext_lazy("Valid on"), method="by_validity", widget=DATE)
    provider = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Provider in the registry"), queryset=institutions_in_scope
    )

    class Meta:
        model = MunicipalLicence
        fields = ["q", "kind", "valid_on", "provider"]

    def search(self, queryset: QuerySet[MunicipalLicence], name: str, value: str) -> QuerySet[MunicipalLicence]:
        value = value.strip()[:100]
        return queryset.filter(
            Q(number__icontains=value) | Q(programme_name__icontains=value) | Q(provider_name__icontains=value)
        )

    def by_validity(self, queryset: QuerySet[MunicipalLicence], name: str, value: date) -> QuerySet[MunicipalLicence]:
        return queryset.filter(issued_on__lte=value).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=value))


class LicenceListView(PermissionRequiredMixin, ScopedListView):
    """The municipality's licences of interest and adult non-formal education programmes (up to 160 hours) with
    their validity on the chosen day (default: today); heads see their institutions' licences."""

    permission_required = "registry.view_municipallicence"
    filterset_class = LicenceFilter
    template_name = "registry/interest/licence_list.html"
    partial_template_name = "registry/interest/partials/licence_table.html"
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
                lambda lic: str(interest.VALIDITY_LABELS[interest.licence_validity(lic, on=day)]),
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
                interest.licence_validity(lic, on=day),
                interest.VALIDITY_LABELS[interest.licence_validity(lic, on=day)],
            )
            for lic in context["object_list"]
        ]
        context["can_add"] = self.request.user.has_perm("registry.add_municipallicence")
        return context


class LicenceForm(ScopedFormMixin, VersionedModelForm):
    """A municipal licence: the provider chosen from the registry or named (a private provider outside it)."""

    class Meta:
        model = MunicipalLicence
        fields = [
            "number",
            "kind",
            "programme_name",
            "field",
            "hours",
            "provider",
            "provider_name",
            "provider_registration_number",
            "decision",
            "issued_on",
            "valid_until",
        ]
        widgets = {"issued_on": DATE, "valid_until": DATE}
        help_texts = {
            "provider": gettext_lazy("An institution of the registry; leave empty for a provider outside it."),
            "provider_name": gettext_lazy(
                "A provider outside the registry, e.g. “SIA …”; filled in from the registry when one is chosen."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = cast(forms.ModelChoiceField, self.fields["provider"])
        provider.queryset = cast(QuerySet[Institution], provider.queryset).order_by("sort_name")
        self.fields["provider_name"].required = False
        hours = cast(forms.IntegerField, self.fields["hours"])
        message = _("A municipal licence covers a programme of 1 to 160 hours.")
        hours.error_messages.update({"min_value": message, "max_value": message})
        for name in interest.LICENCE_TEXT:
            self.fields[name].validators.append(validate_no_control_characters)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        provider, name = data.get("provider"), (data.get("provider_name") or "").strip()
        if provider is None and not name:
            self.add_error(
                "provider_name",
                _("Choose the provider from the registry, or write the name of a provider outside it (e.g. “SIA …”)."),
            )
        elif provider is not None and not name:
            data["provider_name"] = provider.name
            if not data.get("provider_registration_number"):
                data["provider_registration_number"] = provider.registration_number
        issued, until = data.get("issued_on"), data.get("valid_until")
        if issued and until and until < issued:
            self.add_error("valid_until", _("“Valid until” is on or after the day the licence was issued."))
        return data


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
            interest.municipal_licence_save(licence=edited, by=request.user, expected_version=form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The licence was saved."))
            return redirect("registry:municipal_licence_list")
    return render(request, "registry/interest/licence_form.html", {"licence": licence, "form": form})

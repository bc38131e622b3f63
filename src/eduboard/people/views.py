"""Pages of the people area: staff, a person, vacancies, training; and the public vacancies page and feeds."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from auditlog.signals import accessed
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eduboard.core.audit import audit_export
from eduboard.core.exports import EXPORT_FORMATS, Column, table_response
from eduboard.core.feeds import TextAtom1Feed
from eduboard.core.views import ScopedDetailView, ScopedListView, scoped_object, scoped_rows
from eduboard.people import selectors, services
from eduboard.people.filters import StaffFilter, VacancyFilter
from eduboard.people.forms import (
    TRAINING_STATUSES,
    EmploymentForm,
    StaffMemberForm,
    TrainingGapFilterForm,
    TrainingRecordForm,
    VacancyForm,
)
from eduboard.people.models import Employment, StaffMember, TrainingRecord, Vacancy
from eduboard.registry.models import Institution


def _fte(value: Any) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


class StaffListView(PermissionRequiredMixin, ScopedListView):
    """Staff with a rate in the user's institutions; personal codes masked."""

    permission_required = "people.view_staffmember"
    filterset_class = StaffFilter
    template_name = "people/staff_list.html"
    partial_template_name = "people/partials/staff_table.html"
    sort_fields = {"name": "sort_name", "first_name": "first_name"}
    default_sort = "name"
    export_filename = "staff"
    export_columns = [
        Column(gettext_lazy("Last name"), lambda s: s.last_name),
        Column(gettext_lazy("First name"), lambda s: s.first_name),
        Column(gettext_lazy("Personal code"), lambda s: s.masked_code),
        Column(
            gettext_lazy("Rates today"),
            lambda s: "; ".join(
                f"{e.institution.short_name or e.institution.name}: {e.position} {_fte(e.fte)}" for e in s.current
            ),
        ),
    ]

    def get_rows(self) -> QuerySet[Any]:
        # Today's rates in the user's institutions only (Employment's scope: its institution).
        current = scoped_rows(self.request, Employment.objects.active_on(timezone.localdate()))
        rates: Prefetch[Any, Any, Any] = Prefetch(
            "employments",
            queryset=current.select_related("institution", "position").order_by("institution__sort_name"),
            to_attr="current",
        )
        return StaffMember.objects.prefetch_related(rates)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("people.add_staffmember")
        return context


class StaffDetailView(PermissionRequiredMixin, ScopedDetailView):
    """A person: qualifications, rates (history) in the user's institutions, training. Opening it is audited."""

    permission_required = "people.view_staffmember"
    template_name = "people/staff_detail.html"
    context_object_name = "person"
    model = StaffMember

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person: StaffMember = self.object
        accessed.send(sender=StaffMember, instance=person, actor=self.request.user)
        institutions = scoped_rows(self.request, Institution)
        employments = person.employments.filter(institution__in=institutions.values("pk")).select_related(
            "institution", "position"
        )
        today = timezone.localdate()
        context.update(
            {
                "employments": employments.order_by("-start_date"),
                "total_fte_today": sum((e.fte for e in person.employments.active_on(today)), start=type(today.year)(0)),
                "other_institutions_today": person.employments.active_on(today)
                .exclude(institution__in=institutions.values("pk"))
                .values("institution")
                .distinct()
                .count(),
                "qualifications": person.qualifications.all(),
                "training": person.training_records.select_related("requirement"),
                "gaps": [
                    g
                    for g in selectors.training_gaps(as_of=today, visible_to=self.request.user)
                    if g.staff_member_id == person.pk
                ],
                "show_code": self.request.user.has_perm("people.reveal_personal_code"),
                "can_change": self.request.user.has_perm("people.add_employment"),
                "employment_form": EmploymentForm(
                    institutions=institutions.order_by("sort_name"), viewer=self.request.user
                ),
                "training_form": TrainingRecordForm(viewer=self.request.user, prefix="training"),
            }
        )
        return context


@permission_required("people.add_staffmember", raise_exception=True)
def staff_create_view(request: HttpRequest) -> HttpResponse:
    """A new person with their first rate."""
    institutions = scoped_rows(request, Institution, editing=True).order_by("sort_name")
    person_form = StaffMemberForm(request.POST or None, prefix="person")
    employment_form = EmploymentForm(
        request.POST or None, prefix="rate", institutions=institutions, viewer=request.user
    )
    if request.method == "POST" and person_form.is_valid() and employment_form.is_valid():
        person = person_form.save(commit=False)
        try:
            warning = services.staff_member_create(staff_member=person, employment=employment_form.save(commit=False))
        except ValidationError as error:
            person.pk = None  # nothing was saved: the form stays a form for a new person
            employment_form.add_save_error(error)
        else:
            messages.success(request, _("%(person)s was added.") % {"person": person})
            if warning:
                messages.warning(request, warning)
            return redirect(person)
    return render(request, "people/staff_form.html", {"person_form": person_form, "employment_form": employment_form})


@permission_required("people.add_employment", raise_exception=True)
@require_POST
def employment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a rate to a person (from the person's page)."""
    person = scoped_object(request, StaffMember, editing=True, pk=pk)
    institutions = scoped_rows(request, Institution, editing=True).order_by("sort_name")
    form = EmploymentForm(request.POST, institutions=institutions, viewer=request.user)
    if form.is_valid():
        employment = form.save(commit=False)
        employment.staff_member = person
        try:
            warning = services.employment_save(employment=employment)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rate was added."))
            if warning:
                messages.warning(request, warning)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(
                request, f"{label}: {' '.join(str(e) for e in errors)}" if label else " ".join(str(e) for e in errors)
            )
    return redirect(person)


@permission_required("people.add_trainingrecord", raise_exception=True)
@require_POST
def training_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a completed training for a person."""
    person = scoped_object(request, StaffMember, editing=True, pk=pk)
    form = TrainingRecordForm(request.POST, viewer=request.user, prefix="training")
    if form.is_valid():
        record = form.save(commit=False)
        record.staff_member = person
        try:
            services.training_record_save(record=record)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The training was recorded."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect(person)


class VacancyListView(PermissionRequiredMixin, ScopedListView):
    """Vacancies of the user's institutions with their life cycle."""

    permission_required = "people.view_vacancy"
    filterset_class = VacancyFilter
    template_name = "people/vacancy_list.html"
    partial_template_name = "people/partials/vacancy_table.html"
    sort_fields = {
        "institution": "institution__sort_name",
        "declared_on": "declared_on",
        "published_on": "published_on",
    }
    default_sort = "institution"
    export_filename = "vacancies"
    export_columns = [
        Column(gettext_lazy("Institution"), lambda v: v.institution.name),
        Column(gettext_lazy("Position"), lambda v: str(v.position)),
        Column(gettext_lazy("Subject"), lambda v: v.subject),
        Column(gettext_lazy("FTE rate"), lambda v: v.fte),
        Column(gettext_lazy("Status"), lambda v: v.get_status_display()),
        Column(gettext_lazy("Declared on"), lambda v: v.declared_on),
        Column(gettext_lazy("Published on"), lambda v: v.published_on),
        Column(gettext_lazy("Filled on"), lambda v: v.filled_on),
        Column(gettext_lazy("Withdrawn on"), lambda v: v.withdrawn_on),
    ]

    queryset = Vacancy.objects.select_related("institution", "position")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm("people.change_vacancy")
        today = timezone.localdate()
        context["open_figures"] = selectors.vacancy_figures(as_of=today, visible_to=self.request.user)
        context["today"] = today
        return context


@permission_required("people.change_vacancy", raise_exception=True)
def vacancy_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Declare a vacancy or edit one; an edit made on a stale copy is refused with a clear message."""
    institutions = scoped_rows(request, Institution, editing=True).order_by("sort_name")
    vacancy = scoped_object(request, Vacancy, editing=True, pk=pk) if pk else None
    initial = {} if vacancy else {"declared_on": timezone.localdate()}
    form = VacancyForm(
        request.POST or None, instance=vacancy, institutions=institutions, initial=initial, viewer=request.user
    )
    if request.method == "POST" and form.is_valid():
        edited: Vacancy = form.save(commit=False)
        try:
            services.vacancy_save(vacancy=edited, expected_version=form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The vacancy was saved."))
            return redirect("people:vacancy_list")
    return render(request, "people/vacancy_form.html", {"form": form, "vacancy": vacancy})


@permission_required("people.change_vacancy", raise_exception=True)
@require_POST
def vacancy_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Publish, fill or withdraw a vacancy today."""
    vacancy = scoped_object(request, Vacancy, editing=True, pk=pk)
    try:
        version = int(request.POST.get("version", vacancy.version))
    except ValueError:
        messages.error(request, _("The form was out of date; reload the page and try again."))
        return redirect("people:vacancy_list")
    try:
        services.vacancy_step(vacancy_id=vacancy.pk, step=step, on=timezone.localdate(), version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        done = {
            "publish": _("The vacancy is published."),
            "fill": _("The vacancy is filled."),
            "withdraw": _("The vacancy is withdrawn."),
        }
        messages.success(request, done.get(step, ""))
    return redirect("people:vacancy_list")


TRAINING_COLUMNS = [
    Column(gettext_lazy("Name"), lambda gap: gap.name),
    Column(gettext_lazy("Training"), lambda gap: gap.requirement),
    Column(gettext_lazy("Status"), lambda gap: dict(TRAINING_STATUSES)[gap.status]),
    Column(gettext_lazy("Completed on"), lambda gap: gap.completed_on),
    Column(gettext_lazy("Expires on"), lambda gap: gap.expires_on),
]


@permission_required("people.view_trainingrecord", raise_exception=True)
def training_view(request: HttpRequest) -> HttpResponse:
    """Mandatory training: who is missing it, whose has expired, whose expires soon; filtered, a page at a time,
    exported whole (CSV or XLSX, written to the audit trail)."""
    today = timezone.localdate()
    form = TrainingGapFilterForm(request.GET or None, viewer=request.user)
    criteria = form.cleaned_data if form.is_valid() else {}
    institution, requirement = criteria.get("institution"), criteria.get("requirement")
    chosen = {
        "institution": institution.pk if institution else None,
        "requirement": requirement.pk if requirement else None,
        "status": criteria.get("status", ""),
        "words": criteria.get("q", ""),
    }
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS:
        gaps = selectors.filter_gaps(
            selectors.training_gaps(as_of=today, visible_to=request.user, institution=chosen.pop("institution")),
            **chosen,
        )
        response = table_response(filename="training", fmt=fmt, columns=TRAINING_COLUMNS, rows=gaps)
        audit_export(request=request, model=TrainingRecord, fmt=fmt, rows=len(gaps))
        return response
    found = selectors.training_gap_page(as_of=today, visible_to=request.user, page=page_number(request), **chosen)
    # The page kept, in a paginator that knows how many rows the filter found (for the page links).
    counted: Paginator[Any] = Paginator(range(found.found), selectors.TRAINING_PAGE_SIZE)
    page = Page(found.rows, found.number, counted)
    counts = found.counts
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    from eduboard.people.models import TrainingRequirement

    context = {
        "filter": SimpleNamespace(form=form),
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.paginator.num_pages > 1,
        "object_list": page.object_list,
        "query_without_page": query.urlencode(),
        "export_formats": EXPORT_FORMATS,
        "today": today,
        "requirements": TrainingRequirement.objects.prefetch_related("positions"),
        "counts": counts,
    }
    template = "people/partials/training_table.html" if getattr(request, "htmx", False) else "people/training.html"
    return render(request, template, context)


def page_number(request: HttpRequest) -> int:
    """The page asked for (`?page=`): a whole number from 1 to 10,000, else 1 (a page beyond the last is the last)."""
    try:
        return min(max(int(request.GET.get("page", "1")), 1), 10_000)
    except ValueError:
        return 1


# --- public: no sign-in


def _public_vacancies() -> QuerySet[Vacancy]:
    return Vacancy.objects.public_on(timezone.localdate()).select_related("institution", "position")


@login_not_required
def public_vacancies_view(request: HttpRequest) -> HttpResponse:
    """The board's public list of open vacancies (anyone may read it)."""
    vacancies = list(_public_vacancies().order_by("institution__sort_name", "position__name", "subject"))
    return render(request, "people/public_vacancies.html", {"vacancies": vacancies})


class VacancyFeed(Feed):
    """Open vacancies as an Atom feed, for other sites."""

    login_required = False  # public: the sign-in middleware lets anyone read the feed

    feed_type = TextAtom1Feed  # summaries as text: a description is never HTML in a feed reader
    title = gettext_lazy("Vacancies in the city's education institutions")
    subtitle = gettext_lazy("Open positions published by the education board.")
    link = reverse_lazy("public_vacancies")
    author_name = gettext_lazy("The city education board")  # RFC 4287: a feed names its author

    def items(self) -> list[Vacancy]:
        return list(_public_vacancies().order_by("-published_on", "pk"))

    def item_title(self, item: Vacancy) -> str:
        subject = f" ({item.subject})" if item.subject else ""
        return f"{item.position}{subject}, {_fte(item.fte)} — {item.institution.name}"

    def item_description(self, item: Vacancy) -> str:
        return item.description or _("FTE rate: %s") % _fte(item.fte)

    def item_link(self, item: Vacancy) -> str:
        return f"{reverse('public_vacancies')}#vacancy-{item.pk}"

    def item_pubdate(self, item: Vacancy) -> Any:
        return _published_at(item)

    def item_updateddate(self, item: Vacancy) -> Any:
        """RFC 4287: every entry says when it last changed."""
        return item.updated_at


def _published_at(vacancy: Vacancy) -> Any:
    """When a vacancy was published, as a moment (9:00 of its publication day, local time), or None."""
    from datetime import datetime, time

    if vacancy.published_on is None:
        return None
    return timezone.make_aware(datetime.combine(vacancy.published_on, time(9)))


@login_not_required
def vacancy_json_feed_view(request: HttpRequest) -> JsonResponse:
    """Open vacancies as a JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    page = request.build_absolute_uri(reverse("public_vacancies"))
    items = [
        {
            "id": str(vacancy.pk),
            "url": f"{page}#vacancy-{vacancy.pk}",
            "title": VacancyFeed().item_title(vacancy),
            "content_text": VacancyFeed().item_description(vacancy),
            # RFC 3339 date-times, as JSON Feed 1.1 asks
            "date_published": published.isoformat() if (published := _published_at(vacancy)) else None,
            "date_modified": vacancy.updated_at.isoformat(),
            "_vacancy": {
                "institution": vacancy.institution.name,
                "institution_registration_number": vacancy.institution.registration_number,
                "position": vacancy.position.code,
                "subject": vacancy.subject,
                "fte": str(vacancy.fte),  # a Decimal written as it is (0.50), never a float
            },
        }
        for vacancy in _public_vacancies().order_by("-published_on", "pk")
    ]
    return JsonResponse(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": str(VacancyFeed.title),
            "home_page_url": page,
            "feed_url": request.build_absolute_uri(),
            "language": get_language() or "lv",
            "authors": [{"name": str(VacancyFeed.author_name)}],
            "items": items,
        },
        json_dumps_params={"ensure_ascii": False},
        content_type="application/feed+json",
    )

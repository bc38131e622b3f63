"""Pages of the quality area: observation figures, observations (list, entry, detail), forms, exams, support lists."""

from __future__ import annotations

import textwrap
from typing import Any

from auditlog.signals import accessed
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.audit import audit_bulk_read
from eduboard.core.exports import Column
from eduboard.core.numbers import chart_number
from eduboard.core.scope import sees_whole_city
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.people.models import Employment, StaffMember
from eduboard.quality import selectors, services
from eduboard.quality.choices import ExamKind, ExamLevel, ObservationKind, sitting_grade_label
from eduboard.quality.filters import ExamResultFilter, ObservationFilter
from eduboard.quality.forms import (
    AcknowledgeForm,
    ExamChoiceForm,
    FormRevisionForm,
    ObservationEntryForm,
    PeriodForm,
    SupportListForm,
    specs_text,
)
from eduboard.quality.models import ExamResult, LearnerResult, Observation, ObservationForm, sees_whole_institutions
from eduboard.registry.models import Institution


@permission_required("quality.view_observation", raise_exception=True)
def observation_stats_view(request: HttpRequest) -> HttpResponse:
    """Lessons observed in a period and the % meeting each criterion, with the year before; chart and table."""
    institutions = scoped_rows(request, Institution).order_by("sort_name")
    form = PeriodForm(
        request.GET or None,
        institutions=institutions,
        viewer=request.user,
        latest=selectors.latest_observation_date(visible_to=request.user),
    )
    values = form.values()
    figures = selectors.observation_figures(visible_to=request.user, **values)
    rows = list(figures["criteria"].items())
    chart = {
        "type": "bar",
        # The criterion as people read it, never its code; in lines, so a long text stays readable under its bar.
        "labels": [textwrap.wrap(row["text"], 28) or [row["text"]] for _code, row in rows],
        "datasets": [
            # xgettext:no-python-format
            {"label": str(gettext_lazy("% of lessons")), "data": [chart_number(row["percent"]) for _code, row in rows]},
            {
                "label": str(gettext_lazy("A year before")),
                "data": [chart_number(row["previous_percent"]) for _code, row in rows],
            },
        ],
    }
    return render(
        request,
        "quality/observation_stats.html",
        {"form": form, "figures": figures, "rows": rows, "values": values, "charts": {"chart-criteria": chart}},
    )


class ObservationListView(PermissionRequiredMixin, ScopedListView):
    """Observations the user may see: the board all, a head their institutions', a teacher their own."""

    permission_required = "quality.view_observation"
    filterset_class = ObservationFilter
    template_name = "quality/observation_list.html"
    partial_template_name = "quality/partials/observation_table.html"
    sort_fields = {"date": "date", "institution": "institution__sort_name", "teacher": "teacher__sort_name"}
    default_sort = "-date"
    export_filename = "observations"
    export_columns = [
        Column(gettext_lazy("Date"), lambda o: o.date),
        Column(gettext_lazy("Institution"), lambda o: o.institution.name),
        Column(gettext_lazy("Kind"), lambda o: o.get_kind_display()),
        Column(gettext_lazy("Observer"), lambda o: o.observer_display),
        Column(gettext_lazy("Observed teacher"), lambda o: str(o.teacher)),
        Column(gettext_lazy("Subject"), lambda o: str(o.subject)),
        Column(gettext_lazy("Grade or group"), lambda o: o.grade),
        Column(gettext_lazy("Form version"), lambda o: o.form.version),
        Column(
            gettext_lazy("Acknowledged"),
            lambda o: timezone.localtime(o.acknowledged_at).date() if o.acknowledged_at else None,
        ),
    ]

    queryset = Observation.objects.select_related("institution", "teacher", "subject", "observer", "form")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("quality.add_observation")
        return context


def _teachers_for(request: HttpRequest) -> QuerySet[StaffMember]:
    """The teachers an observation may name: the whole city's for the board, otherwise those employed today in
    the viewer's institutions."""
    teachers = scoped_rows(request, StaffMember)
    if not sees_whole_city(request.user):
        employed = scoped_rows(request, Employment.objects.active_on(timezone.localdate()))
        teachers = teachers.filter(pk__in=employed.values("staff_member_id"))
    return teachers.order_by("sort_name")


@permission_required("quality.add_observation", raise_exception=True)
def observation_create_view(request: HttpRequest) -> HttpResponse:
    """Record an observed lesson on the form in use: one screen, radio buttons, usable on a phone or tablet."""
    try:
        form_in_use = selectors.form_in_use()
    except ValidationError as error:  # the form was deleted from the back office: say so, never a 500
        messages.error(request, " ".join(error.messages))
        return redirect("quality:observation_list")
    criteria = selectors.form_criteria(form_in_use)
    institutions = scoped_rows(request, Institution).order_by("sort_name")
    kinds = None if sees_whole_city(request.user) else [ObservationKind.INTERNAL, ObservationKind.PEER]
    form = ObservationEntryForm(
        request.POST or None,
        criteria=criteria,
        institutions=institutions,
        teachers=_teachers_for(request),
        kinds=kinds,
        viewer=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation = services.observation_record(
                form=form_in_use,
                on=data["date"],
                institution=data["institution"],
                kind=data["kind"],
                teacher=data["teacher"],
                subject=services.subject_get_or_create(name=data["subject"]),
                grade=data["grade"],
                answers=form.answers(),
                observer=request.user,
                strengths=data["strengths"],
                suggestions=data["suggestions"],
                viewer=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    target = field if field in form.fields else f"c_{field}" if f"c_{field}" in form.fields else None
                    form.add_error(target, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The observation was recorded."))
            return redirect(observation)
    return render(request, "quality/observation_form.html", {"form": form, "form_in_use": form_in_use})


@permission_required("quality.view_observation", raise_exception=True)
def observation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One observation with every answer; the observed teacher acknowledges and comments here."""
    observation = scoped_object(request, selectors.observation_list(visible_to=request.user), pk=pk)
    accessed.send(sender=Observation, instance=observation, actor=request.user)
    is_teacher = observation.teacher.user_id is not None and observation.teacher.user_id == request.user.pk
    ack_form = AcknowledgeForm(request.POST or None, initial={"comment": observation.teacher_comment})
    if request.method == "POST":
        if not is_teacher:
            messages.error(request, _("Only the observed teacher can acknowledge an observation."))
        elif ack_form.is_valid():
            services.observation_acknowledge(
                observation=observation, viewer=request.user, comment=ack_form.cleaned_data["comment"]
            )
            messages.success(request, _("Thank you: the observation is acknowledged."))
        return redirect(observation)
    return render(
        request,
        "quality/observation_detail.html",
        {
            "observation": observation,
            "answers": selectors.observation_answers(observation),
            "is_teacher": is_teacher,
            "ack_form": ack_form,
            "show_code": request.user.has_perm("people.reveal_personal_code") and sees_whole_institutions(request.user),
        },
    )


@permission_required("quality.view_observationform", raise_exception=True)
def form_list_view(request: HttpRequest) -> HttpResponse:
    """Every version of the observation forms, newest first."""
    forms = scoped_rows(request, ObservationForm).order_by("code", "-version")
    return render(request, "quality/form_list.html", {"forms": forms})


@permission_required("quality.view_observationform", raise_exception=True)
def form_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One version of a form: its groups and criteria with their scales."""
    form = scoped_object(request, ObservationForm, pk=pk)
    return render(
        request,
        "quality/form_detail.html",
        {
            "form_version": form,
            "criteria": selectors.form_criteria(form),
            "is_current": selectors.form_in_use(code=form.code).pk == form.pk,
            "can_revise": request.user.has_perm("quality.add_observationform"),
        },
    )


@permission_required("quality.add_observationform", raise_exception=True)
def form_revise_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a form: the change is saved as a new version; observations keep the version they were made with."""
    base = scoped_object(request, ObservationForm, pk=pk)
    revision = FormRevisionForm(request.POST or None, initial={"criteria": specs_text(selectors.form_specs(base))})
    if request.method == "POST" and revision.is_valid():
        try:
            new = services.observation_form_revise(
                form=base,
                criteria=revision.cleaned_data["criteria"],
                note=revision.cleaned_data["note"],
                viewer=request.user,
            )
        except ValidationError as error:
            revision.add_error(None, error)
        else:
            messages.success(request, _("Version %(version)d of the form is saved.") % {"version": new.version})
            return redirect(new)
    return render(request, "quality/form_revise.html", {"revision": revision, "base": base})


@permission_required("quality.view_examresult", raise_exception=True)
def exam_comparison_view(request: HttpRequest) -> HttpResponse:
    """The city against the nation per subject (seed 002), or one institution against its type (seed 003)."""
    visible_to = request.user
    years = selectors.exam_years(visible_to=visible_to) or [timezone.localdate().year]
    institutions = scoped_rows(request, Institution).filter(exam_results__isnull=False).distinct()
    data = request.GET.copy()
    data.setdefault("year", str(years[0]))
    data.setdefault("exam", ExamKind.CE_BASIC)
    form = ExamChoiceForm(data, years=years, institutions=institutions.order_by("sort_name"), viewer=request.user)
    rows: list[dict[str, Any]] = []
    institution_rows: list[dict[str, Any]] = []
    if form.is_valid():
        year, exam = form.cleaned_data["year"], form.cleaned_data["exam"]
        institution = form.cleaned_data["institution"]
        if institution is not None:
            institution_rows = selectors.institution_exam_comparison(
                institution=institution, year=year, exam=exam, visible_to=visible_to
            )
        else:
            rows = selectors.exam_comparison(
                year=year, exam=exam, level=form.cleaned_data["level"] or None, visible_to=visible_to
            )
    levels = dict(ExamLevel.choices)

    def label(row: dict[str, Any]) -> str:
        parts = [row["subject"]]
        if row["level"]:
            parts.append(str(levels[row["level"]]))
        if row["grade"] is not None:
            parts.append(sitting_grade_label(row["grade"]))
        return ", ".join(part for part in parts if part)

    shown = rows or institution_rows
    datasets = (
        [
            {"label": str(gettext_lazy("City")), "data": [chart_number(r["mean_percent"]) for r in rows]},
            {"label": str(gettext_lazy("Nation")), "data": [chart_number(r["national_mean_percent"]) for r in rows]},
        ]
        if rows
        else [
            {
                "label": str(gettext_lazy("Institution")),
                "data": [chart_number(r["mean_percent"]) for r in institution_rows],
            },
            {
                "label": str(gettext_lazy("Its type")),
                "data": [chart_number(r["type_mean_percent"]) for r in institution_rows],
            },
            {
                "label": str(gettext_lazy("Nation")),
                "data": [chart_number(r["national_mean_percent"]) for r in institution_rows],
            },
        ]
    )
    chart = {"type": "bar", "labels": [label(r) for r in shown], "datasets": datasets}
    return render(
        request,
        "quality/exam_comparison.html",
        {
            "form": form,
            "rows": [(label(r), r) for r in rows],
            "institution_rows": [(label(r), r) for r in institution_rows],
            "charts": {"chart-exams": chart} if shown else {},
        },
    )


class ExamResultListView(PermissionRequiredMixin, ScopedListView):
    """Exam and test results per institution, in the user's scope."""

    permission_required = "quality.view_examresult"
    filterset_class = ExamResultFilter
    template_name = "quality/exam_result_list.html"
    partial_template_name = "quality/partials/exam_result_table.html"
    sort_fields = {
        "year": "sitting__year",
        "subject": "sitting__subject__sort_name",
        "institution": "institution__sort_name",
        "mean": "mean_percent",
    }
    default_sort = "-year"
    export_filename = "exam-results"
    export_columns = [
        Column(gettext_lazy("Year"), lambda r: r.sitting.year),
        Column(gettext_lazy("Exam"), lambda r: r.sitting.exam),
        Column(gettext_lazy("Subject"), lambda r: str(r.sitting.subject)),
        Column(gettext_lazy("Level"), lambda r: r.sitting.level),
        Column(gettext_lazy("Grade"), lambda r: r.sitting.grade),
        Column(gettext_lazy("Institution"), lambda r: r.institution.name),
        Column(gettext_lazy("Registration number"), lambda r: r.institution.registration_number),
        Column(gettext_lazy("Candidates"), lambda r: r.candidates),
        Column(gettext_lazy("Mean, %"), lambda r: r.mean_percent),
        Column(gettext_lazy("Below the threshold"), lambda r: r.below_threshold),
        Column(
            gettext_lazy("Type mean, %"),
            lambda r: float(r.type_mean_percent) if r.type_mean_percent is not None else None,
        ),
        Column(
            gettext_lazy("National mean, %"),
            lambda r: float(r.national_mean_percent) if r.national_mean_percent is not None else None,
        ),
    ]

    queryset = ExamResult.objects.select_related("sitting", "sitting__subject", "institution")


@permission_required("quality.view_learnerresult", raise_exception=True)
def support_list_view(request: HttpRequest) -> HttpResponse:
    """Learners under a chosen threshold in one test, by school; viewing it is recorded in the audit trail."""
    data = request.GET.copy()
    data.setdefault("exam", ExamKind.MONITORING)
    data.setdefault("below", "20")
    this_year = timezone.localdate().year
    latest = selectors.latest_learner_result_year(exam=str(data.get("exam", "")), visible_to=request.user)
    # No year asked: the latest year with results (said on the page), never an empty current year.
    shows_latest = "year" not in data and latest is not None and latest < this_year
    data.setdefault("year", str(latest if shows_latest else this_year))
    form = SupportListForm(data)
    groups: list[dict[str, Any]] = []
    if form.is_valid():
        groups = selectors.support_list(
            year=form.cleaned_data["year"],
            exam=form.cleaned_data["exam"],
            below_percent=form.cleaned_data["below"],
            subject=form.cleaned_data["subject"] or None,
            grade=form.cleaned_data["grade"],
            visible_to=request.user,
        )
        shown = sum(len(group["learners"]) for group in groups)
        audit_bulk_read(request=request, model=LearnerResult, rows=shown)
    return render(
        request,
        "quality/support_list.html",
        {"form": form, "groups": groups, "shows_latest": shows_latest, "latest_year": latest},
    )

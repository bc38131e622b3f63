"""Pages of institution evaluation: self-assessments (list, start, the criteria, the workflow, the board's
comments, evidence), the institutions late with theirs, accreditations, and heads' evaluations with the
unified-school statuses. Thin: every rule is in `quality.services`, every read in `quality.selectors`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from eduboard.core.exports import Column
from eduboard.core.forms import add_service_error
from eduboard.core.models import SchoolYear
from eduboard.core.schoolyears import school_year_code_for, school_year_get_or_create
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.quality import rules, selectors, services
from eduboard.quality.choices import QualityLevel, SelfAssessmentStatus
from eduboard.quality.filters import AccreditationFilter, SelfAssessmentFilter
from eduboard.quality.forms import (
    BoardCommentForm,
    EvidenceForm,
    PrioritiesForm,
    SelfAssessmentEntryForm,
    SelfAssessmentStartForm,
)
from eduboard.quality.models import (
    Accreditation,
    Evidence,
    HeadEvaluation,
    SelfAssessment,
    SelfAssessmentEntry,
    UnifiedSchoolStatus,
)
from eduboard.registry.boards import board_for
from eduboard.registry.models import Institution

REPORT_FORMATS = ["pdf", "docx", "xlsx", "html"]  # the report files the reports area makes


def _can_edit(request: HttpRequest, assessment: SelfAssessment) -> bool:
    """Whether the user may change this draft's criteria (their institution's, with the permission)."""
    return (
        assessment.status == SelfAssessmentStatus.DRAFT
        and request.user.has_perm("quality.change_selfassessmententry")
        and scoped_rows(request, Institution, editing=True).filter(pk=assessment.institution_id).exists()
    )


def _steps(request: HttpRequest, assessment: SelfAssessment) -> set[str]:
    """The workflow steps the user may take on the self-assessment as it stands: the institution submits its
    draft; the board agrees a submitted one, publishes an agreed one and returns either (the services decide
    again when the step is taken)."""
    steps: set[str] = set()
    if _can_edit(request, assessment) and request.user.has_perm("quality.change_selfassessment"):
        steps.add("submit")
    if rules.is_board_reviewer(request.user):
        if assessment.status == SelfAssessmentStatus.SUBMITTED:
            steps |= {"agree", "return"}
        elif assessment.status == SelfAssessmentStatus.AGREED:
            steps |= {"publish", "return"}
    return steps


class SelfAssessmentListView(PermissionRequiredMixin, ScopedListView):
    """Self-assessments in scope with their state; a head starts their institution's here."""

    permission_required = "quality.view_selfassessment"
    filterset_class = SelfAssessmentFilter
    template_name = "quality/self_assessment_list.html"
    partial_template_name = "quality/partials/self_assessment_table.html"
    sort_fields = {"year": "school_year__start_date", "institution": "institution__sort_name", "status": "status"}
    default_sort = "-year"
    export_filename = "self-assessments"
    export_columns = [
        Column(gettext_lazy("School year"), lambda a: a.school_year.code),
        Column(gettext_lazy("Institution"), lambda a: a.institution.name),
        Column(gettext_lazy("Registration number"), lambda a: a.institution.registration_number),
        Column(gettext_lazy("Framework"), lambda a: str(a.framework)),
        Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
        Column(gettext_lazy("Submitted"), lambda a: a.submitted_at),
        Column(gettext_lazy("Published"), lambda a: a.published_at),
    ]

    queryset = SelfAssessment.objects.select_related("institution", "school_year", "framework")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.has_perm("quality.add_selfassessment"):
            context["start_form"] = SelfAssessmentStartForm(viewer=user, prefix="start")
        return context


@require_http_methods(["GET", "POST"])
@permission_required("quality.add_selfassessment", raise_exception=True)
def self_assessment_start_view(request: HttpRequest) -> HttpResponse:
    """Start a self-assessment: the form (also offered folded on the list), then a draft with every criterion."""
    form = SelfAssessmentStartForm(request.POST or None, viewer=request.user, prefix="start")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.self_assessment_start(
                institution=data["institution"],
                school_year=school_year_get_or_create(code=data["school_year"]),
                framework=data["framework"],
                viewer=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The self-assessment was started as a draft."))
            return redirect(assessment)
    return render(request, "quality/self_assessment_start.html", {"form": form})


def _assessment(request: HttpRequest, pk: int) -> SelfAssessment:
    assessment: SelfAssessment = scoped_object(request, selectors.self_assessment_list(visible_to=request.user), pk=pk)
    return assessment


@permission_required("quality.view_selfassessment", raise_exception=True)
def self_assessment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A self-assessment: its state and who took each step, the review rule, the criteria by area with their
    levels, texts, the board's comments and evidence, the workflow's buttons and the report's files."""
    assessment = _assessment(request, pk)
    entries = selectors.self_assessment_entries(assessment)
    filling = selectors.self_assessment_filling(entries=entries)
    areas: list[tuple[Any, list[SelfAssessmentEntry]]] = []
    for entry in entries:
        if not areas or areas[-1][0].pk != entry.criterion.area_id:
            areas.append((entry.criterion.area, []))
        areas[-1][1].append(entry)
    can_edit = _can_edit(request, assessment)
    priorities_form = PrioritiesForm(instance=assessment) if can_edit else None
    return render(
        request,
        "quality/self_assessment_detail.html",
        {
            "assessment": assessment,
            "areas": areas,
            "problems": selectors.review_rule_problems(assessment=assessment),
            "filling": filling,
            "can_edit": can_edit,
            "steps": _steps(request, assessment),
            "priorities_form": priorities_form,
            "formats": REPORT_FORMATS,
            "due_on": selectors.self_assessment_due_on(assessment.school_year, assessment.institution.board),
        },
    )


STEP_QUESTIONS = {
    "submit": gettext_lazy("Submit the self-assessment to the board?"),
    "agree": gettext_lazy("Agree the self-assessment?"),
    "return": gettext_lazy("Return the self-assessment to its institution?"),
    "publish": gettext_lazy("Publish the self-assessment?"),
}


@require_http_methods(["GET", "POST"])
@permission_required("quality.view_selfassessment", raise_exception=True)
def self_assessment_step_view(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Take one step of the workflow (submit, agree, return, publish) on the version the page showed. GET asks
    first: for submitting and agreeing it lists the criteria not filled, each linked to its page."""
    steps = {
        "submit": (services.self_assessment_submit, _("The self-assessment was submitted to the board.")),
        "agree": (services.self_assessment_agree, _("The self-assessment was agreed.")),
        "return": (services.self_assessment_return, _("The self-assessment was returned to its institution.")),
        "publish": (services.self_assessment_publish, _("The self-assessment was published.")),
    }
    if step not in steps:
        return redirect("quality:self_assessment_detail", pk=pk)
    assessment = _assessment(request, pk)
    if request.method == "GET":
        if step not in _steps(request, assessment):
            messages.error(request, _("This step cannot be taken on this self-assessment now."))
            return redirect(assessment)
        shows_unfilled = step in ("submit", "agree")
        entries = selectors.self_assessment_entries(assessment, with_evidence=False) if shows_unfilled else []
        return render(
            request,
            "quality/self_assessment_confirm.html",
            {
                "assessment": assessment,
                "step": step,
                "question": STEP_QUESTIONS[step],
                "shows_unfilled": shows_unfilled,
                "filling": selectors.self_assessment_filling(entries=entries),
                "blockers": selectors.self_assessment_submit_blockers(assessment=assessment)
                if step == "submit"
                else [],
            },
        )
    action, done = steps[step]
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        action(assessment=assessment, viewer=request.user, expected_version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(assessment)


@require_POST
@permission_required("quality.change_selfassessment", raise_exception=True)
def self_assessment_priorities_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    form = PrioritiesForm(request.POST, instance=assessment)
    if form.is_valid():
        try:
            services.self_assessment_save(
                assessment=form.instance, viewer=request.user, expected_version=form.edited_version()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The priorities were saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(assessment)


@permission_required("quality.view_selfassessment", raise_exception=True)
def self_assessment_entry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One criterion: the institution edits a draft's level and texts; the board comments; evidence links."""
    entry = scoped_object(request, SelfAssessmentEntry.objects.select_related("criterion__area"), pk=pk)
    assessment = _assessment(request, entry.self_assessment_id)
    entry.self_assessment = assessment
    can_edit = _can_edit(request, assessment)
    board = rules.is_board_reviewer(request.user) and not assessment.is_frozen
    entries = selectors.self_assessment_entries(assessment, with_evidence=False)
    neighbours = selectors.self_assessment_neighbours(entries=entries, current=entry)
    form = SelfAssessmentEntryForm(
        request.POST if request.method == "POST" and "save_entry" in request.POST else None,
        instance=entry,
        framework=assessment.framework,
    )
    comment_form = BoardCommentForm(
        request.POST if request.method == "POST" and "save_comment" in request.POST else None,
        initial={"comment": entry.board_comment, "version": entry.version},
    )
    evidence_form = EvidenceForm(request.POST if request.method == "POST" and "add_evidence" in request.POST else None)
    if request.method == "POST":
        if "save_entry" in request.POST and can_edit and form.is_valid():
            try:
                services.self_assessment_entry_save(
                    entry=form.instance, viewer=request.user, expected_version=form.edited_version()
                )
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("Criterion %(code)s was saved.") % {"code": entry.criterion.code})
                if request.POST["save_entry"] == "next" and neighbours["next"] is not None:
                    return redirect("quality:self_assessment_entry", pk=neighbours["next"].pk)
                return redirect(assessment)
        elif "save_comment" in request.POST and board and comment_form.is_valid():
            try:
                services.self_assessment_comment(
                    entry=entry,
                    comment=comment_form.cleaned_data["comment"],
                    viewer=request.user,
                    expected_version=comment_form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_error(comment_form, error)
            else:
                messages.success(request, _("The comment was saved."))
                return redirect(assessment)
        elif "add_evidence" in request.POST and can_edit and evidence_form.is_valid():
            try:
                services.evidence_add(entry=entry, evidence=Evidence(**evidence_form.cleaned_data), viewer=request.user)
            except ValidationError as error:
                add_service_error(evidence_form, error)
            else:
                messages.success(request, _("The evidence was linked."))
                return redirect("quality:self_assessment_entry", pk=pk)
        elif not any(name in request.POST for name in ("save_entry", "save_comment", "add_evidence")) or not (
            can_edit or board
        ):
            messages.error(request, _("This criterion cannot be changed now."))
            return redirect(assessment)
    return render(
        request,
        "quality/self_assessment_entry.html",
        {
            "assessment": assessment,
            "entry": entry,
            "form": form,
            "comment_form": comment_form,
            "evidence_form": evidence_form,
            "evidence": list(entry.evidence.all()),
            "can_edit": can_edit,
            "board": board,
            "neighbours": neighbours,
            "filling": selectors.self_assessment_filling(entries=entries),
        },
    )


@permission_required("quality.view_selfassessment", raise_exception=True)
def self_assessment_late_view(request: HttpRequest) -> HttpResponse:
    """The institutions whose self-assessment of a school year is not submitted by its due date."""
    today = timezone.localdate()
    code = request.GET.get("year") or school_year_code_for(today)
    school_year = scoped_rows(request, SchoolYear).filter(code=code).first()
    years = list(scoped_rows(request, SchoolYear).order_by("-start_date").values_list("code", flat=True))
    late = (
        selectors.self_assessments_late(visible_to=request.user, school_year=school_year, today=today)
        if school_year
        else []
    )
    return render(
        request,
        "quality/self_assessment_late.html",
        {
            "late": late,
            "school_year": school_year,
            "code": code,
            "years": years,
            "due_on": selectors.self_assessment_due_on(school_year, board_for(request.user)) if school_year else None,
            "today": today,
        },
    )


class AccreditationListView(PermissionRequiredMixin, ScopedListView):
    """Accreditations of institutions and programmes; the filter "ending within 12 months" lists those to renew."""

    permission_required = "quality.view_accreditation"
    filterset_class = AccreditationFilter
    template_name = "quality/accreditation_list.html"
    partial_template_name = "quality/partials/accreditation_table.html"
    sort_fields = {"expires": "expires_on", "institution": "institution__sort_name", "accredited": "accredited_on"}
    default_sort = "expires"
    export_filename = "accreditations"
    export_columns = [
        Column(gettext_lazy("Institution"), lambda a: a.institution.name),
        Column(gettext_lazy("Programme"), lambda a: a.programme.code if a.programme_id else ""),
        Column(gettext_lazy("Accredited on"), lambda a: a.accredited_on),
        Column(gettext_lazy("Term (years)"), lambda a: a.term_years),
        Column(gettext_lazy("Expires on"), lambda a: a.expires_on),
        Column(gettext_lazy("Decision"), lambda a: a.decision),
    ]

    queryset = Accreditation.objects.select_related("institution", "programme")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


@permission_required("quality.view_headevaluation", raise_exception=True)
def heads_view(request: HttpRequest) -> HttpResponse:
    """Heads' professional evaluations and the unified-school statuses: the board sees all, a head their own."""
    evaluations = scoped_rows(
        request, HeadEvaluation.objects.select_related("head", "institution").prefetch_related("levels__criterion")
    ).order_by("-evaluated_on", "institution__sort_name")
    statuses = scoped_rows(request, UnifiedSchoolStatus.objects.select_related("institution")).order_by(
        "-assessed_on", "institution__sort_name"
    )
    figures = selectors.heads_figures(visible_to=request.user, as_of=timezone.localdate())
    return render(
        request,
        "quality/heads.html",
        {
            "evaluations": evaluations[:200],
            "statuses": statuses[:200],
            "levels": [(QualityLevel(level).label, count) for level, count in figures["levels"].items()],
        },
    )

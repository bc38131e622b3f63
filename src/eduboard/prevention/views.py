"""Pages of early school-leaving prevention: the figures by rule and institution (the board: counts, no names),
an institution's risk list for its support team, and a learner's case with absences, insufficient grades and
support plans with their history. Thin: rules in `prevention.services`, reads in `prevention.selectors`."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.core.audit import audit_bulk_read, audit_read
from eduboard.core.forms import add_service_error
from eduboard.core.views import scoped_object, scoped_rows
from eduboard.prevention import selectors, services
from eduboard.prevention.choices import RuleCode
from eduboard.prevention.forms import AsOfForm, OpenCaseForm, SupportPlanForm
from eduboard.prevention.models import RiskRule, SupportPlan
from eduboard.prevention.rules import reads_names_case_by_case
from eduboard.registry.models import Institution, Learner


def _as_of(request: HttpRequest) -> tuple[AsOfForm, date]:
    form = AsOfForm(request.GET or None)
    chosen = form.cleaned_data.get("as_of") if form.is_valid() else None
    if chosen is None:
        chosen = selectors.default_as_of(visible_to=request.user, today=timezone.localdate())
        form = AsOfForm(initial={"as_of": chosen})
    return form, chosen


@permission_required("prevention.view_supportplan", raise_exception=True)
def overview_view(request: HttpRequest) -> HttpResponse:
    """The figures on a date: learners at risk by rule, in all and with a support plan, per institution in scope;
    the rules and their thresholds (the board edits them here)."""
    form, as_of = _as_of(request)
    figures = selectors.prevention_figures(as_of=as_of, visible_to=request.user)
    rows = selectors.risk_by_institution(as_of=as_of, visible_to=request.user)
    labels = dict(RuleCode.choices)
    rules = list(scoped_rows(request, RiskRule.objects.select_related("board")).order_by("board__code", "code"))
    return render(
        request,
        "prevention/overview.html",
        {
            "form": form,
            "as_of": as_of,
            "figures": figures,
            "by_rule": [(labels.get(code, code), n) for code, n in figures["at_risk_by_rule"].items()],
            "rows": rows,
            "rule_codes": list(figures["at_risk_by_rule"]),
            "rule_labels": [labels.get(code, code) for code in figures["at_risk_by_rule"]],
            "rules": rules,
            "several_boards": len({rule.board_id for rule in rules}) > 1,
            "can_edit_rules": request.user.has_perm("prevention.change_riskrule"),
        },
    )


@permission_required("prevention.change_riskrule", raise_exception=True)
def rules_view(request: HttpRequest) -> HttpResponse:
    """The board sets a rule's threshold (POST: code, threshold, active, version)."""
    if request.method == "POST":
        code = request.POST.get("code", "")[:40]
        raw = request.POST.get("threshold", "").strip()
        try:
            threshold = int(raw) if raw else None
            version = int(request.POST.get("version", ""))
        except ValueError:
            messages.error(request, _("The threshold is a whole number."))
            return redirect("prevention:overview")
        try:
            services.risk_rule_threshold_set(
                code=code,
                threshold=threshold,
                active=request.POST.get("active") == "on",
                board=request.POST.get("board", "")[:32],
                viewer=request.user,
                expected_version=version,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rule was saved."))
    return redirect("prevention:overview")


@permission_required("prevention.view_supportplan", raise_exception=True)
def risk_list_view(request: HttpRequest) -> HttpResponse:
    """An institution's learners at risk for its support team. A board-wide role sees the rows without names,
    and opens a case to see who it is."""
    form, as_of = _as_of(request)
    institutions = scoped_rows(request, Institution).order_by("sort_name")
    chosen = request.GET.get("institution", "")
    institution = institutions.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if institution is None and not reads_names_case_by_case(request.user):
        institution = institutions.first()
    rows = selectors.risk_list(as_of=as_of, visible_to=request.user, institution=institution) if institution else []
    labels = dict(RuleCode.choices)
    for row in rows:
        row["rule_labels"] = [labels.get(code, code) for code in row["rules"]]
    # Each row is a learner at risk (named for the support team, unnamed for the board): a bulk read of children.
    audit_bulk_read(request=request, model=Learner, rows=len(rows))
    return render(
        request,
        "prevention/risk_list.html",
        {
            "form": form,
            "as_of": as_of,
            "institutions": institutions,
            "institution": institution,
            "rows": rows,
            "names_hidden": reads_names_case_by_case(request.user),
        },
    )


@permission_required("prevention.view_supportplan", raise_exception=True)
def case_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner's case: the rules that hold today, unexcused absences by month, insufficient grades, support
    plans with their history, and a form for a new plan. A board-wide role first says why it opens the case."""
    learner = scoped_object(request, Learner, pk=pk)
    if not services.case_is_open(viewer=request.user, learner=learner, session=request.session):
        reason_form = OpenCaseForm(request.POST or None)
        if request.method == "POST" and reason_form.is_valid():
            try:
                services.case_open(
                    viewer=request.user, learner=learner, reason=reason_form.cleaned_data["reason"],
                    session=request.session,
                )  # fmt: skip
            except ValidationError as error:
                add_service_error(reason_form, error)
            else:
                return redirect("prevention:case", pk=learner.pk)
        return render(request, "prevention/open_case.html", {"form": reason_form, "learner_id": learner.pk})
    audit_read(actor=request.user, instance=learner)
    today = timezone.localdate()
    case = selectors.learner_case(learner=learner, as_of=today, visible_to=request.user)
    enrolment, plans = case["enrolment"], case["plans"]
    labels = dict(RuleCode.choices)
    can_plan = request.user.has_perm("prevention.add_supportplan") and enrolment is not None
    institution_id = enrolment.group.institution_id if enrolment else 0
    form = None
    editing: SupportPlan | None = None
    if can_plan:
        chosen = request.POST.get("plan", "") if request.method == "POST" else request.GET.get("plan", "")
        editing = next((p for p in plans if chosen.isdigit() and p.pk == int(chosen)), None)
        if editing is not None:
            institution_id = editing.institution_id
        form = SupportPlanForm(
            request.POST or None,
            instance=editing,
            viewer=request.user,
            institution_id=institution_id,
            initial={} if editing else {"started_on": today},
        )
        if request.method == "POST" and form.is_valid():
            plan: SupportPlan = form.save(commit=False)
            if editing is None:
                plan.learner = learner
                plan.institution_id = institution_id
            try:
                services.support_plan_save(plan=plan, viewer=request.user, expected_version=form.edited_version())
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The support plan was saved."))
                return redirect("prevention:case", pk=learner.pk)
    return render(
        request,
        "prevention/case.html",
        {
            "learner": learner,
            "enrolment": enrolment,
            "rules_now": [labels.get(code, code) for code in case["rules_now"]],
            "absences": case["absences"],
            "grades": case["grades"],
            "plans": plans,
            "form": form,
            "editing": editing,
        },
    )

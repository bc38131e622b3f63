"""The data-quality pages: what the latest run found, per institution, with a link to fix each row (heads see their
own institutions'); the counts by rule over time; the board's rules, which it edits. Thin: runs in
`dataquality.services`, reads in `dataquality.selectors`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduboard.core.audit import audit_bulk_read
from eduboard.core.data_checks import object_pk
from eduboard.core.exports import Column
from eduboard.core.scope import institution_scope
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.dataquality.checks import THRESHOLD_ON_BOARD
from eduboard.dataquality.choices import RuleCode, Trigger
from eduboard.dataquality.filters import DataIssueFilter
from eduboard.dataquality.forms import CensusDateForm, QualityRuleForm
from eduboard.dataquality.models import CensusDate, DataIssue, QualityRule
from eduboard.dataquality.selectors import (
    census_completeness,
    counts_over_time,
    duplicate_pairs,
    issue_counts,
    rule_rows,
)
from eduboard.dataquality.services import census_date_add, data_check_task, duplicate_merge, quality_rule_set
from eduboard.registry.boards import viewer_boards
from eduboard.registry.merge import may_merge_learners
from eduboard.registry.models import Learner
from eduboard.registry.selectors import default_as_of


class DataIssueListView(PermissionRequiredMixin, ScopedListView):
    """What the board's latest run of the checks found, in the viewer's institutions: filter, sort, export; each
    row links to the page where it is fixed."""

    permission_required = "dataquality.view_dataissue"
    model = DataIssue
    queryset = DataIssue.objects.select_related("institution", "board").with_texts()
    filterset_class = DataIssueFilter
    template_name = "dataquality/issue_list.html"
    partial_template_name = "dataquality/partials/issue_table.html"
    sort_fields = {"institution": "institution__sort_name", "rule": "rule", "severity": "severity"}
    default_sort = "institution"
    export_filename = "data-quality"
    export_columns = [
        Column(gettext_lazy("Rule"), lambda r: r.rule),
        Column(gettext_lazy("Severity"), lambda r: r.severity),
        Column(
            gettext_lazy("Registration number"), lambda r: r.institution.registration_number if r.institution else ""
        ),
        Column(gettext_lazy("Institution"), lambda r: r.institution.name if r.institution else ""),
        Column(gettext_lazy("Row"), lambda r: r.object),
        Column(gettext_lazy("Message"), lambda r: r.message()),
        Column(gettext_lazy("Where to fix it"), lambda r: r.url),
    ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        shown = list(context["object_list"])
        for issue in shown:
            issue.text = issue.message()
        context["object_list"] = shown
        per_institution, by_rule = issue_counts(scoped_rows(self.request, DataIssue))
        labels = dict(RuleCode.choices)
        board_wide = institution_scope(self.request.user) is None
        history = counts_over_time(visible_to=self.request.user) if board_wide else []
        can_run = self.request.user.has_perm("dataquality.change_qualityrule")
        context.update(
            {
                "per_institution": per_institution,
                "by_rule": [(code, labels[code], count) for code, count in by_rule.items()],
                "history": [
                    {"run": run, "counts": [run.by_rule.get(code, 0) for code in RuleCode.values]} for run in history
                ],
                "rule_codes": RuleCode.values,
                "board_wide": board_wide,
                "can_run": can_run,
                "check_day": default_as_of() if can_run else None,  # the day a run started here reads by default
            }
        )
        return context


#: What `_day_asked` answers for a day that is not a date (told to the user already).
_REFUSED = date.min


def _day_asked(request: HttpRequest, value: str) -> date | None:
    """The day a page is asked for (YYYY-MM-DD, the date input's form); None when none is given; `_REFUSED`, with
    the reason shown to the user, for one that is not a date."""
    field = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    try:
        day: date | None = field.clean(value.strip()[:10])
    except ValidationError:
        messages.error(request, _("The day of the check is written YYYY-MM-DD; got “%(value)s”.") % {"value": value})
        return _REFUSED
    return day


@require_POST
@permission_required("dataquality.change_qualityrule", raise_exception=True)
def data_check_start_view(request: HttpRequest) -> HttpResponse:
    """The board runs the checks of its boards now (a worker's task; at once where tasks run in the process), on the
    day asked or the day the pages show (`registry.selectors.default_as_of`)."""
    as_of = _day_asked(request, request.POST.get("as_of", "")) or default_as_of()
    if as_of is _REFUSED:
        return redirect("dataquality:issues")
    boards = viewer_boards(request.user)
    data_check_task.enqueue(
        board_ids=None if boards is None else sorted(boards), as_of=as_of.isoformat(), trigger=Trigger.PAGE
    )
    messages.success(request, _("The checks were started; the list shows their findings when they end."))
    return redirect("dataquality:issues")


@permission_required("dataquality.view_qualityrule", raise_exception=True)
def rule_list_view(request: HttpRequest) -> HttpResponse:
    """The rules of the viewer's boards: code, severity, threshold, use and text."""
    rows = rule_rows(scoped_rows(request, QualityRule.objects.select_related("board")).order_by("board__code", "code"))
    return render(
        request,
        "dataquality/rule_list.html",
        {
            "rows": rows,
            "several_boards": len({row["rule"].board_id for row in rows}) > 1,
            "can_edit": request.user.has_perm("dataquality.change_qualityrule"),
        },
    )


@permission_required("dataquality.change_qualityrule", raise_exception=True)
def rule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The board edits one rule (a stale edit is refused with what was typed kept)."""
    rule = scoped_object(request, QualityRule.objects.select_related("board"), editing=True, pk=pk)
    form = QualityRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quality_rule_set(
                viewer=request.user,
                rule=form.instance,
                severity=data["severity"],
                threshold=data["threshold"],
                active=data["active"],
                texts={name: data[name] for name in ("text", "text_en", "text_ru")},
                expected_version=form.edited_version(),
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("dataquality:rules")
    return render(
        request,
        "dataquality/rule_edit.html",
        {"rule": rule, "form": form, "on_board": RuleCode(rule.code) in THRESHOLD_ON_BOARD},
    )


@permission_required("dataquality.view_dataissue", raise_exception=True)
def census_view(request: HttpRequest) -> HttpResponse:
    """Which institutions have sent their learners, staff and money of a census day, when, and who is late (a head:
    their own institutions); the board adds census days here."""
    days = list(scoped_rows(request, CensusDate.objects.select_related("board")).order_by("-day", "board__code"))
    today = timezone.localdate()
    day = _day_asked(request, request.GET.get("day", ""))
    if day is None or day is _REFUSED:
        day = next((census.day for census in days if census.day <= today), today)
    rows = census_completeness(day=day, visible_to=request.user, today=today)
    form = CensusDateForm(request.POST or None)
    can_add = request.user.has_perm("dataquality.add_censusdate")
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                census = census_date_add(viewer=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The census day was added."))
                return redirect(f"{request.path}?day={census.day.isoformat()}")
    return render(
        request,
        "dataquality/census.html",
        {
            "day": day,
            "days": days,
            "rows": rows,
            "complete": sum(1 for row in rows if row.complete),
            "late": sum(1 for row in rows if row.late),
            "form": form,
            "can_add": can_add,
        },
    )


@permission_required("dataquality.view_dataissue", raise_exception=True)
def duplicate_queue_view(request: HttpRequest) -> HttpResponse:
    """The board's review queue of duplicate candidates (the latest run's `duplicate_learner` findings): each pair
    with both records, and the merge of one into the other (POST kept, merged) for those who may."""
    can_merge = may_merge_learners(request.user)  # the board's roles that change learners, within their boards
    if request.method == "POST":
        if not can_merge:
            raise PermissionDenied
        learners = scoped_rows(request, Learner, editing=True)
        kept = learners.filter(pk=object_pk(request.POST.get("kept"))).first()
        merged = learners.filter(pk=object_pk(request.POST.get("merged"))).first()
        if kept is None or merged is None:
            messages.error(request, _("Choose two records of yours to merge."))
            return redirect("dataquality:duplicates")
        try:
            moved = duplicate_merge(kept=kept, merged=merged, viewer=request.user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The records were merged into %(kept)s: %(rows)s rows moved.")
                % {"kept": kept, "rows": sum(moved.values())},
            )
        return redirect("dataquality:duplicates")
    issues = (
        scoped_rows(request, DataIssue.objects.select_related("institution"))
        .filter(rule="duplicate_learner")
        .order_by("institution__sort_name", "pk")[:200]
    )
    pairs = duplicate_pairs(issues, scoped_rows(request, Learner))
    audit_bulk_read(request=request, model=Learner, rows=2 * len(pairs))
    return render(request, "dataquality/duplicates.html", {"pairs": pairs, "can_merge": can_merge})

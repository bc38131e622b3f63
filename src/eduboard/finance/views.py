"""Pages of the finance area: overview, allocations and spending, meal compensation, settlements.

Thin: forms read the request, services write, selectors compute.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, npgettext
from django.views.decorators.http import require_POST

from eduboard.core.audit import audit_bulk_read
from eduboard.core.exports import Column
from eduboard.core.forms import add_service_error
from eduboard.core.numbers import chart_number
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.finance import selectors, services
from eduboard.finance.choices import CostKind, SettlementLevel
from eduboard.finance.exports import meal_workbook, statement_pdf, statement_workbook
from eduboard.finance.filters import AllocationFilter, CateringFilter, ExpenditureFilter, SettlementFilter
from eduboard.finance.forms import (
    AllocationForm,
    AsOfForm,
    CateringContractForm,
    ExpenditureForm,
    MealMonthForm,
    MealRuleForm,
    PeriodForm,
    SettlementLineForm,
)
from eduboard.finance.models import Allocation, CateringContract, DayOff, Expenditure, MealRule, SettlementLine
from eduboard.registry.models import Institution, Learner, Municipality

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOCATION_JOINS = ("institution", "institution_set", "source")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


#: The allocations of one purpose and source to single institutions the overview lists one by one; more are summed.
OVERVIEW_LISTED = 12


def recipient_label(use: selectors.AllocationUse) -> str:
    """An allocation's recipient, or how many institutions a sum of allocations holds."""
    if use.institutions > 1:
        return npgettext(
            "allocation recipients", "%(count)s institution", "%(count)s institutions", use.institutions
        ) % {"count": use.institutions}
    return use.recipient_name


@permission_required("finance.view_allocation", raise_exception=True)
def overview_view(request: HttpRequest) -> HttpResponse:
    """Utilisation by allocation and funding source, and the cost per learner, as of a date."""
    scope = request.user
    form = AsOfForm(request.GET or None, latest=selectors.latest_money_date(visible_to=scope))
    as_of = form.as_of_date()
    # A city's allocations one by one; a country's thousands summed per purpose and source as the readiness report
    # sums them, each sum linking to its allocations in the list.
    overview = selectors.allocation_overview(as_of=as_of, visible_to=scope, listed_up_to=OVERVIEW_LISTED)
    uses, by_source, source_names = overview["uses"], overview["by_source"], overview["source_names"]
    costs = selectors.cost_per_learner(as_of=as_of, visible_to=scope)
    cost_rows = [(CostKind(kind).label, figures) for kind, figures in costs.items()]
    charts = {
        "chart-utilisation": {
            "type": "bar",
            "labels": [f"{recipient_label(use)}: {use.purpose_label} ({use.source_name})" for use in uses],
            "datasets": [
                {"label": str(gettext_lazy("Allocated")), "data": [chart_number(use.allocated) for use in uses]},
                {"label": str(gettext_lazy("Spent")), "data": [chart_number(use.spent) for use in uses]},
            ],
        },
        "chart-costs": {
            "type": "bar",
            "labels": [str(label) for label, _figures in cost_rows],
            "datasets": [
                {"label": str(gettext_lazy("Approved")), "data": [chart_number(f["approved"]) for _l, f in cost_rows]},
                {"label": str(gettext_lazy("Computed")), "data": [chart_number(f["computed"]) for _l, f in cost_rows]},
            ],
        },
    }
    return render(
        request,
        "finance/overview.html",
        {
            "form": form,
            "as_of": as_of,
            "uses": [(use, recipient_label(use)) for use in uses],
            "listed": OVERVIEW_LISTED,
            "source_rows": [(source_names[code], figures) for code, figures in by_source.items()],
            "cost_rows": cost_rows,
            "charts": charts,
        },
    )


class AllocationListView(PermissionRequiredMixin, ScopedListView):
    """Allocations in the user's scope with what is spent so far; filter, sort, export."""

    permission_required = "finance.view_allocation"
    filterset_class = AllocationFilter
    template_name = "finance/allocation_list.html"
    partial_template_name = "finance/partials/allocation_table.html"
    sort_fields = {"year": "year", "amount": "amount", "spent": "spent_total", "purpose": "purpose"}
    default_sort = "-year"
    export_filename = "allocations"
    export_columns = [
        Column(gettext_lazy("Year"), lambda a: a.year),
        Column(gettext_lazy("Recipient"), lambda a: a.recipient_name),
        Column(gettext_lazy("Purpose"), lambda a: a.get_purpose_display()),
        Column(gettext_lazy("Funding source"), lambda a: a.source.name),
        Column(gettext_lazy("Allocated (EUR)"), lambda a: a.amount),
        Column(gettext_lazy("Spent (EUR)"), lambda a: a.spent_total),
        Column(gettext_lazy("Utilisation %"), lambda a: selectors.percent(a.spent_total, a.amount)),
    ]

    queryset = Allocation.objects.select_related(*ALLOCATION_JOINS).annotate(
        spent_total=Sum("expenditures__amount", default=selectors.ZERO)
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("finance.add_allocation")
        return context


@permission_required("finance.view_allocation", raise_exception=True)
def allocation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An allocation, its spending, and (for those who may) a form to record more."""
    allocation = scoped_object(request, Allocation.objects.select_related(*ALLOCATION_JOINS), pk=pk)
    form = ExpenditureForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("finance.add_expenditure"):
            return HttpResponse(status=403)
        # Spending is recorded on an allocation the user may change (one of their institutions'), else 404.
        allocation = scoped_object(request, Allocation.objects.select_related(*ALLOCATION_JOINS), editing=True, pk=pk)
        if form.is_valid():
            expenditure: Expenditure = form.save(commit=False)
            expenditure.allocation = allocation
            try:
                services.expenditure_save(expenditure=expenditure)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The expenditure was recorded."))
                return redirect("finance:allocation_detail", pk=allocation.pk)
    expenditures = list(allocation.expenditures.order_by("date", "pk"))
    spent = sum((e.amount for e in expenditures), selectors.ZERO)
    return render(
        request,
        "finance/allocation_detail.html",
        {
            "allocation": allocation,
            "expenditures": expenditures,
            "spent": spent,
            "utilisation": selectors.percent(spent, allocation.amount),
            "members": (
                allocation.institution_set.members.order_by("sort_name") if allocation.institution_set_id else []
            ),
            "form": form,
            "can_add": request.user.has_perm("finance.add_expenditure"),
            "can_change": request.user.has_perm("finance.change_allocation"),
            "can_delete": request.user.has_perm("finance.delete_allocation"),
        },
    )


@permission_required("finance.add_allocation", raise_exception=True)
def allocation_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create an allocation or edit one; an edit made on a stale copy is refused with a clear message."""
    allocation = scoped_object(request, Allocation, editing=True, pk=pk) if pk else None
    if allocation is not None and not request.user.has_perm("finance.change_allocation"):
        return HttpResponse(status=403)
    institutions = scoped_rows(request, Institution, editing=True).order_by("sort_name")
    initial = {} if allocation else {"year": timezone.localdate().year}
    form = AllocationForm(
        request.POST or None, instance=allocation, institutions=institutions, initial=initial, viewer=request.user
    )
    if request.method == "POST" and form.is_valid():
        edited: Allocation = form.save(commit=False)
        try:
            services.allocation_save(allocation=edited, expected_version=form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The allocation was saved."))
            return redirect("finance:allocation_detail", pk=edited.pk)
    return render(request, "finance/allocation_form.html", {"form": form, "allocation": allocation})


@permission_required("finance.delete_allocation", raise_exception=True)
@require_POST
def allocation_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an allocation without spending; one with expenditures is refused."""
    allocation = scoped_object(request, Allocation, editing=True, pk=pk)
    try:
        services.allocation_delete(allocation=allocation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("finance:allocation_detail", pk=pk)
    messages.success(request, _("The allocation was deleted."))
    return redirect("finance:allocation_list")


@permission_required("finance.change_expenditure", raise_exception=True)
def expenditure_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an expenditure, or delete it; a stale edit is refused."""
    expenditure = scoped_object(request, Expenditure.objects.select_related("allocation"), editing=True, pk=pk)
    form = ExpenditureForm(request.POST or None, instance=expenditure)
    if request.method == "POST" and "delete" in request.POST:
        if not request.user.has_perm("finance.delete_expenditure"):
            return HttpResponse(status=403)
        services.expenditure_delete(expenditure=expenditure)
        messages.success(request, _("The expenditure was deleted."))
        return redirect("finance:allocation_detail", pk=expenditure.allocation_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_save(
                expenditure=form.save(commit=False), expected_version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The expenditure was saved."))
            return redirect("finance:allocation_detail", pk=expenditure.allocation_id)
    return render(request, "finance/expenditure_form.html", {"form": form, "expenditure": expenditure})


class ExpenditureListView(PermissionRequiredMixin, ScopedListView):
    """Spending of the allocations in the user's scope; filter, sort, export."""

    permission_required = "finance.view_expenditure"
    filterset_class = ExpenditureFilter
    template_name = "finance/expenditure_list.html"
    partial_template_name = "finance/partials/expenditure_table.html"
    sort_fields = {"date": "date", "amount": "amount", "document": "document"}
    default_sort = "-date"
    export_filename = "expenditures"
    export_columns = [
        Column(gettext_lazy("Date"), lambda e: e.date),
        Column(gettext_lazy("Allocation"), lambda e: str(e.allocation)),
        Column(gettext_lazy("Document"), lambda e: e.document),
        Column(gettext_lazy("Description"), lambda e: e.description),
        Column(gettext_lazy("Amount (EUR)"), lambda e: e.amount),
    ]

    queryset = Expenditure.objects.select_related(
        "allocation__institution", "allocation__institution_set", "allocation__source"
    )


# --- meal compensation


@permission_required("finance.view_mealrule", raise_exception=True)
def meals_view(request: HttpRequest) -> HttpResponse:
    """The rules, and a month's computation for one institution (with its XLSX for accounting)."""
    institutions = scoped_rows(request, Institution).order_by("sort_name")
    today = timezone.localdate()
    month = selectors.latest_meal_month()
    form = MealMonthForm(
        request.GET or None, institutions=institutions, initial={"month": f"{month:%Y-%m}"}, viewer=request.user
    )
    computation = None
    if form.is_bound and form.is_valid():
        computation = selectors.meal_compensation(
            institution=form.cleaned_data["institution"], month=form.cleaned_data["month"]
        )
        # The page and its XLSX list the learners with their family status (the rule that pays their meals).
        audit_bulk_read(request=request, model=Learner, rows=len({line.learner_id for line in computation.lines}))
        if request.GET.get("export") == "xlsx":
            return _download(
                meal_workbook(computation),
                f"meals-{computation.institution.registration_number}-{computation.month:%Y-%m}.xlsx",
                XLSX,
            )
    return render(
        request,
        "finance/meals.html",
        {
            "form": form,
            "computation": computation,
            "rules": scoped_rows(request, MealRule.objects.select_related("board")),
            "days_off": DayOff.objects.filter(end__gte=date(today.year - 1, 9, 1)),
            "can_change": request.user.has_perm("finance.change_mealrule"),
            "shows_latest": not form.is_bound and month < today.replace(day=1),
            "latest_day": month,
        },
    )


@permission_required("finance.add_mealrule", raise_exception=True)
def meal_rule_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a meal rule; shares must add up to the price; a stale edit is refused."""
    rule = scoped_object(request, MealRule, editing=True, pk=pk) if pk else None
    form = MealRuleForm(request.POST or None, instance=rule, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        edited: MealRule = form.save(commit=False)
        try:
            services.meal_rule_save(rule=edited, expected_version=form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The meal rule was saved."))
            return redirect("finance:meals")
    return render(request, "finance/meal_rule_form.html", {"form": form, "rule": rule})


# --- catering procurement


class CateringContractListView(PermissionRequiredMixin, ScopedListView):
    """The catering procurements and contracts (the readiness report's "ēdināšanas pakalpojums"); filter, export."""

    permission_required = "finance.view_cateringcontract"
    filterset_class = CateringFilter
    template_name = "finance/catering_list.html"
    partial_template_name = "finance/partials/catering_table.html"
    sort_fields = {"decided_on": "decided_on", "years": "years", "amount": "total_amount"}
    default_sort = "-decided_on"
    export_filename = "catering-contracts"
    export_columns = [
        Column(gettext_lazy("Meals of"), lambda c: c.get_serves_display()),
        Column(gettext_lazy("Status"), lambda c: c.get_status_display()),
        Column(gettext_lazy("Applied for or concluded on"), lambda c: c.decided_on),
        Column(gettext_lazy("Term (years)"), lambda c: c.years),
        Column(gettext_lazy("Total amount (EUR)"), lambda c: c.total_amount),
        Column(gettext_lazy("Procedure"), lambda c: c.procedure),
        Column(gettext_lazy("Note"), lambda c: c.note),
    ]

    model = CateringContract

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("finance.add_cateringcontract")
        context["can_change"] = self.request.user.has_perm("finance.change_cateringcontract")
        return context


@permission_required("finance.view_cateringcontract", raise_exception=True)
def catering_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Record a procurement's catering contracts or edit them; an edit made on a stale copy is refused."""
    contract = scoped_object(request, CateringContract, editing=True, pk=pk) if pk else None
    if not request.user.has_perm("finance.change_cateringcontract" if contract else "finance.add_cateringcontract"):
        return HttpResponse(status=403)
    form = CateringContractForm(request.POST or None, instance=contract, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        edited: CateringContract = form.save(commit=False)
        try:
            services.catering_contract_save(contract=edited, expected_version=form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The catering contracts were saved."))
            return redirect("finance:catering_list")
    return render(request, "finance/catering_form.html", {"form": form, "contract": contract})


# --- settlements


def _period(request: HttpRequest) -> tuple[PeriodForm, date, date]:
    """The period asked for; else the current calendar year, or the latest year with settlement lines when the
    current one has none yet (the form's `shows_latest` is then true and the page says so)."""
    year = timezone.localdate().year
    latest = selectors.latest_settlement_year(visible_to=request.user)
    shows_latest = latest is not None and latest < year
    if shows_latest:
        year = latest  # type: ignore[assignment]
    default = {"date_from": date(year, 1, 1), "date_to": date(year, 12, 31)}
    form = PeriodForm(request.GET if "date_from" in request.GET else None, initial=default)
    form.shows_latest = shows_latest and not form.is_bound  # type: ignore[attr-defined]
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, default["date_from"], default["date_to"]


@permission_required("finance.view_settlementline", raise_exception=True)
def settlements_view(request: HttpRequest) -> HttpResponse:
    """Learners in and out by level, receivable and due, per municipality, for a period; lines to add."""
    form, date_from, date_to = _period(request)
    summary = selectors.settlement_summary(date_from=date_from, date_to=date_to, visible_to=request.user)
    line_form = SettlementLineForm(
        request.POST or None, initial={"period_start": date_from, "period_end": date_to}, viewer=request.user
    )
    if request.method == "POST":
        if not request.user.has_perm("finance.add_settlementline"):
            return HttpResponse(status=403)
        if line_form.is_valid():
            try:
                services.settlement_line_save(line=line_form.save(commit=False))
            except ValidationError as error:
                add_service_error(line_form, error)
            else:
                messages.success(request, _("The settlement line was added."))
                return redirect(request.get_full_path())
    levels = dict(SettlementLevel.choices)
    rows = summary["municipalities"]
    charts = {
        "chart-settlements": {
            "type": "bar",
            "labels": [row["municipality"] for row in rows],
            "datasets": [
                {"label": str(gettext_lazy("Receivable")), "data": [chart_number(row["receivable"]) for row in rows]},
                {"label": str(gettext_lazy("Due")), "data": [chart_number(row["due"]) for row in rows]},
            ],
        }
    }
    return render(
        request,
        "finance/settlements.html",
        {
            "form": form,
            "summary": summary,
            "period_end": date_to,
            "levels": levels,
            "level_rows": [
                (label, summary["incoming"]["learners_by_level"][code], summary["outgoing"]["learners_by_level"][code])
                for code, label in levels.items()
            ],
            "charts": charts,
            "line_form": line_form,
            "can_add": request.user.has_perm("finance.add_settlementline"),
            "period_query": f"date_from={date_from:%Y-%m-%d}&date_to={date_to:%Y-%m-%d}",
        },
    )


class SettlementLineListView(PermissionRequiredMixin, ScopedListView):
    """Every settlement line; filter by municipality, direction, level, period; export."""

    permission_required = "finance.view_settlementline"
    filterset_class = SettlementFilter
    template_name = "finance/settlement_lines.html"
    partial_template_name = "finance/partials/settlement_table.html"
    sort_fields = {"municipality": "municipality__sort_name", "period": "period_start", "learners": "learners"}
    default_sort = "municipality"
    export_filename = "settlements"
    export_columns = [
        Column(gettext_lazy("Municipality"), lambda line: line.municipality.name),
        Column(gettext_lazy("Direction"), lambda line: line.direction),
        Column(gettext_lazy("Level"), lambda line: line.level),
        Column(gettext_lazy("Period from"), lambda line: line.period_start),
        Column(gettext_lazy("Period to"), lambda line: line.period_end),
        Column(gettext_lazy("Learners"), lambda line: line.learners),
        Column(gettext_lazy("Months"), lambda line: line.months),
        Column(gettext_lazy("Cost per learner per month (EUR)"), lambda line: line.monthly_cost),
        Column(gettext_lazy("Amount (EUR)"), lambda line: line.amount),
    ]

    queryset = SettlementLine.objects.select_related("municipality")


@permission_required("finance.view_settlementline", raise_exception=True)
def settlement_statement_view(request: HttpRequest, municipality_id: int) -> HttpResponse:
    """The statement with one municipality for a period: HTML, or `?format=pdf|xlsx`."""
    municipality = get_object_or_404(Municipality.objects.filter(is_home=False), pk=municipality_id)
    _form, date_from, date_to = _period(request)
    statement = selectors.settlement_statement(
        municipality=municipality, date_from=date_from, date_to=date_to, visible_to=request.user
    )
    fmt = request.GET.get("format", "html")
    slug = f"settlement-{municipality.pk}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if fmt == "pdf":
        return _download(statement_pdf(statement), f"{slug}.pdf", "application/pdf")
    if fmt == "xlsx":
        return _download(statement_workbook(statement), f"{slug}.xlsx", XLSX)
    return render(
        request,
        "finance/settlement_statement.html",
        {**statement, "period_query": f"date_from={date_from:%Y-%m-%d}&date_to={date_to:%Y-%m-%d}"},
    )

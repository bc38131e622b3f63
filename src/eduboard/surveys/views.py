"""The surveys pages of the board and institutions: the list, a survey's results (response rates, the share of each
answer with a chart and a table, against the previous survey, for the city, schools or preschools, or one
institution; CSV and XLSX with the same suppression), editing and copying a survey (the board), and the one-time
codes and parents' links an institution hands out. Thin: rules in `surveys.services`, reads in
`surveys.selectors`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eduboard.core.exports import Column, table_response
from eduboard.core.numbers import chart_number
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.registry.models import Institution
from eduboard.surveys import rules, selectors, services
from eduboard.surveys.choices import Audience
from eduboard.surveys.forms import CodesForm, CopyForm, ResultsFilterForm, SurveyForm
from eduboard.surveys.models import AccessCode, Survey

TOO_FEW = gettext_lazy("too few answers")


class SurveyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Code or title"), method="search")

    class Meta:
        model = Survey
        fields = ["q"]

    def search(self, queryset: QuerySet[Survey], name: str, value: str) -> QuerySet[Survey]:
        value = value.strip()[:100]
        return queryset.filter(Q(code__icontains=value) | Q(title_lv__icontains=value) | Q(title_en__icontains=value))


class SurveyListView(PermissionRequiredMixin, ScopedListView):
    """Every survey with its period and how many answered (in the viewer's institutions)."""

    permission_required = "surveys.view_survey"
    filterset_class = SurveyFilter
    template_name = "surveys/survey_list.html"
    partial_template_name = "surveys/partials/survey_table.html"
    sort_fields = {"code": "code", "opens": "opens_on"}
    default_sort = "-opens"
    export_filename = "surveys"
    export_columns = [
        Column(gettext_lazy("Code"), lambda s: s.code),
        Column(gettext_lazy("Title"), lambda s: s.title(None)),
        Column(gettext_lazy("Opens on"), lambda s: s.opens_on),
        Column(gettext_lazy("Closes on"), lambda s: s.closes_on),
        Column(gettext_lazy("Finished answers"), lambda s: s.finished_responses),
    ]

    def get_rows(self) -> QuerySet[Any]:
        """The surveys with the finished answers of the viewer's institutions counted."""
        institutions = scoped_rows(self.request, Institution)
        return Survey.objects.select_related("previous").annotate(
            finished_responses=Count(
                "responses", filter=Q(responses__finished=True, responses__institution__in=institutions)
            )
        )


def _survey(request: HttpRequest, code: str) -> Survey:
    survey: Survey = scoped_object(request, Survey.objects.select_related("previous"), code=code[:40])
    return survey


def _percent(value: Any) -> Any:
    return "" if value is None else value


@permission_required("surveys.view_survey", raise_exception=True)
def survey_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    """Response rates and results of a survey, with a chart and a table per question; `?export=csv|xlsx`."""
    survey = _survey(request, code)
    form = ResultsFilterForm(request.GET or None, viewer=request.user)
    institution = form.cleaned_data.get("institution") if form.is_valid() else None
    types = form.types() if form.is_bound else None
    language = get_language() or "lv"
    table = selectors.results_table(
        survey=survey, visible_to=request.user, language=language, institution=institution, institution_types=types
    )
    fmt = request.GET.get("export", "")
    if fmt in ("csv", "xlsx"):
        rows = [
            (row, answer) for row in table["rows"] for answer in (row["answers"] if not row["suppressed"] else [None])
        ]
        columns = [
            Column(gettext_lazy("Question"), lambda r: r[0]["code"]),
            Column(gettext_lazy("Audience"), lambda r: r[0]["audience"]),
            Column(gettext_lazy("Text"), lambda r: r[0]["text"]),
            Column(gettext_lazy("Answered"), lambda r: _percent(r[0]["answered"])),
            Column(gettext_lazy("Answer"), lambda r: r[1]["code"] if r[1] else str(TOO_FEW)),
            Column(gettext_lazy("Percent"), lambda r: _percent(r[1]["percent"]) if r[1] else ""),
            Column(gettext_lazy("Previous survey, percent"), lambda r: _percent(r[1]["previous"]) if r[1] else ""),
        ]
        return table_response(filename=f"{survey.code}-results", fmt=fmt, columns=columns, rows=rows)
    charts = {}
    for index, row in enumerate(table["rows"]):
        if row["suppressed"]:
            continue
        datasets = [{"label": str(survey.code), "data": [chart_number(a["percent"]) for a in row["answers"]]}]
        if table["has_previous"] and survey.previous is not None:
            datasets.append(
                {"label": survey.previous.code, "data": [chart_number(a["previous"]) for a in row["answers"]]}
            )
        row["chart"] = f"chart-q{index}"
        charts[row["chart"]] = {
            "type": "bar",
            "labels": [str(a["label"]) for a in row["answers"]],
            "datasets": datasets,
        }
    rates = [
        (Audience(audience).label if audience in Audience.values else audience, figures)
        for audience, figures in table["response_rates"].items()
    ]
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "title": survey.title(language),
            "form": form,
            "rates": rates,
            "rows": table["rows"],
            "has_previous": table["has_previous"],
            "charts": charts,
            "query": query.urlencode(),
            "can_edit": request.user.has_perm("surveys.change_survey"),
            "can_copy": request.user.has_perm("surveys.add_survey"),
            "can_issue": request.user.has_perm("surveys.add_response"),
            "copy_form": CopyForm(),
            "is_open": rules.is_open(survey),
        },
    )


@atomic_write
def _save_survey(survey: Survey, expected_version: int | None) -> None:
    save_versioned(survey, expected_version=expected_version)


@permission_required("surveys.change_survey", raise_exception=True)
def survey_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    """The board edits a survey's titles, period, census date and the survey it is compared with."""
    survey = _survey(request, code)
    form = SurveyForm(request.POST or None, instance=survey, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            _save_survey(form.save(commit=False), form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The survey was saved."))
            return redirect("surveys:survey_detail", code=survey.code)
    return render(request, "surveys/survey_form.html", {"survey": survey, "form": form})


@permission_required("surveys.add_survey", raise_exception=True)
@require_POST
def survey_copy_view(request: HttpRequest, code: str) -> HttpResponse:
    """Copy a survey (last year's) under a new code: its questions, titles and dates a year on."""
    survey = _survey(request, code)
    form = CopyForm(request.POST)
    if not form.is_valid():
        for message in form.errors.get("code", []):
            messages.error(request, str(message))
        return redirect("surveys:survey_detail", code=survey.code)
    try:
        copy = services.survey_copy(survey=survey, code=form.cleaned_data["code"], viewer=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("surveys:survey_detail", code=survey.code)
    messages.success(request, _("The survey was copied with its questions; check its dates and titles."))
    return redirect("surveys:survey_edit", code=copy.code)


@permission_required("surveys.add_response", raise_exception=True)
def survey_codes_view(request: HttpRequest, code: str) -> HttpResponse:
    """Issue one-time codes for a class, see the lists issued (how many used, never by whom), and the parents'
    links of the institutions in scope."""
    survey = _survey(request, code)
    audiences = selectors.audiences_of(survey)
    form = CodesForm(request.POST or None, viewer=request.user, audiences=audiences)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.access_codes_issue(
                survey=survey,
                institution=data["institution"],
                audience=data["audience"],
                count=data["count"],
                viewer=request.user,
                group=data["group"],
                label=data["label"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%d codes were issued.") % len(issued))
            sheet = reverse("surveys:code_sheet", kwargs={"code": survey.code})
            query = urlencode({"institution": issued[0].institution_id, "list": issued[0].label})
            return redirect(f"{sheet}?{query}")
    parents_types = [t for types in selectors.INSTITUTION_GROUPS.values() for t in types]
    institutions = scoped_rows(request, Institution, editing=True).filter(type__in=parents_types)
    lists = selectors.code_lists(survey=survey, visible_to=request.user)
    links = []
    if Audience.PARENTS in audiences:
        made = services.survey_links_get_or_create(
            survey=survey, institutions=institutions, audience=Audience.PARENTS, viewer=request.user
        )
        answered = selectors.finished_by_institution(survey=survey, audience=Audience.PARENTS, visible_to=request.user)
        for link in made:
            url = request.build_absolute_uri(reverse("answer_link", kwargs={"lang": "lv", "token": link.token}))
            links.append((link.institution, url, answered.get(link.institution_id, 0)))
    return render(
        request,
        "surveys/survey_codes.html",
        {"survey": survey, "form": form, "lists": lists, "links": links, "audience_labels": dict(Audience.choices)},
    )


@permission_required("surveys.add_response", raise_exception=True)
def code_sheet_view(request: HttpRequest, code: str) -> HttpResponse:
    """The unused codes of one list, to print and cut (or `?export=csv` to send); nothing on it names a person."""
    survey = _survey(request, code)
    institution = (
        scoped_object(request, Institution, editing=True, pk=request.GET.get("institution", "0")[:12] or 0)
        if request.GET.get("institution", "").isdigit()
        else None
    )
    if institution is None:
        messages.error(request, _("Choose an institution's list."))
        return redirect("surveys:survey_codes", code=survey.code)
    label = request.GET.get("list", "")[:60]
    codes = list(
        scoped_rows(request, AccessCode)
        .filter(survey=survey, institution=institution, label=label, used=False)
        .order_by("code")
    )
    if request.GET.get("export") == "csv":
        columns = [
            Column(gettext_lazy("Code"), lambda c: c.code),
            Column(gettext_lazy("List"), lambda c: c.label),
            Column(gettext_lazy("Audience"), lambda c: c.audience),
            Column(gettext_lazy("Grade band"), lambda c: c.grade_band),
        ]
        return table_response(filename=f"{survey.code}-codes", fmt="csv", columns=columns, rows=codes)
    address = request.build_absolute_uri(reverse("answer_start", kwargs={"lang": "lv"}))
    return render(
        request,
        "surveys/code_sheet.html",
        {"survey": survey, "institution": institution, "label": label, "codes": codes, "address": address},
    )

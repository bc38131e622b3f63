"""Pages of the self-assessment report's tables (seed 003's tables 4–7 and section 3): per table a list (filtered,
sorted, paginated, exported to CSV and XLSX) and a page to add, edit or delete a row. Read by whoever reads the
institution's self-assessment, written by whoever may change it (its head, the board's administrators), each only
within the viewer's scope. Thin: the writes are in `quality.table_services`, the report's reads in
`quality.self_assessment_selectors`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.exports import Column
from eduboard.core.views import ScopedListView, scoped_object
from eduboard.quality import table_forms, table_services
from eduboard.quality.models import (
    GraduateEmployment,
    Inspection,
    InterestParticipation,
    QualificationExamResult,
    Recommendation,
)

VIEW_PERMISSION = "quality.view_selfassessment"


@dataclass(frozen=True)
class ListColumn:
    """A column of a table's list page: its header, its value, the sort key (empty: not sortable), and its kind
    (`num`, `date`, or `code`: an identifier kept on one line and read as a word)."""

    header: StrOrPromise
    value: Callable[[Any], Any]
    sort: str = ""
    kind: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One table: its URL names' stem, path, model, form, filter, titles and list columns."""

    name: str
    path: str
    model: type[Model]
    form_class: type[table_forms.TableRowForm]
    filterset_class: type[Any]
    title: StrOrPromise
    intro: StrOrPromise
    new_title: StrOrPromise
    columns: tuple[ListColumn, ...]
    default_sort: str

    @property
    def sort_fields(self) -> dict[str, str]:
        return {column.sort: column.sort for column in self.columns if column.sort}


def _institution(row: Any) -> str:
    return str(row.institution.short_name or row.institution.name)


INSTITUTION = ListColumn(gettext_lazy("Institution"), _institution, "institution__sort_name")
SCHOOL_YEAR = ListColumn(gettext_lazy("School year"), lambda row: row.school_year.code, "school_year__start_date")
ROW = ListColumn(gettext_lazy("Row"), lambda row: row.position, "position", "num")

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        name="qualification_exam",
        path="qualification-exams",
        model=QualificationExamResult,
        form_class=table_forms.QualificationExamResultForm,
        filterset_class=table_forms.QualificationExamResultFilter,
        title=gettext_lazy("Qualification exam results"),
        intro=gettext_lazy(
            "How the candidates of each programme or qualification did in the vocational qualification exams of a "
            "school year: the self-assessment report's table 4."
        ),
        new_title=gettext_lazy("New qualification exam result"),
        columns=(
            INSTITUTION,
            SCHOOL_YEAR,
            ROW,
            ListColumn(gettext_lazy("Programme or qualification"), lambda row: row.qualification, "qualification"),
            ListColumn(gettext_lazy("Qualified"), lambda row: row.qualified, "", "num"),
            ListColumn(gettext_lazy("Lower qualification"), lambda row: row.lower_qualification, "", "num"),
            ListColumn(gettext_lazy("No qualification"), lambda row: row.not_qualified, "", "num"),
            ListColumn(gettext_lazy("Examined"), lambda row: row.examined, "", "num"),
        ),
        default_sort="-school_year__start_date",
    ),
    TableSpec(
        name="interest_participation",
        path="interest-participation",
        model=InterestParticipation,
        form_class=table_forms.InterestParticipationForm,
        filterset_class=table_forms.InterestParticipationFilter,
        title=gettext_lazy("Learners in clubs and sports sections"),
        intro=gettext_lazy(
            "How many of the institution's learners took part in each of its clubs and sports sections in a school "
            "year: the self-assessment report's table 5."
        ),
        new_title=gettext_lazy("New club or sports section"),
        columns=(
            INSTITUTION,
            SCHOOL_YEAR,
            ROW,
            ListColumn(gettext_lazy("Club or sports section"), lambda row: row.activity, "activity"),
            ListColumn(gettext_lazy("Participants"), lambda row: row.participants, "participants", "num"),
        ),
        default_sort="-school_year__start_date",
    ),
    TableSpec(
        name="graduate_employment",
        path="graduate-employment",
        model=GraduateEmployment,
        form_class=table_forms.GraduateEmploymentForm,
        filterset_class=table_forms.GraduateEmploymentFilter,
        title=gettext_lazy("Graduates' education and employment"),
        intro=gettext_lazy(
            "What the graduates of each programme and qualification of a school year do after it, each counted "
            "under one outcome: the self-assessment report's table 6."
        ),
        new_title=gettext_lazy("New row of graduates"),
        columns=(
            INSTITUTION,
            SCHOOL_YEAR,
            ROW,
            ListColumn(gettext_lazy("Code"), lambda row: row.programme_code, "programme_code", "code"),
            ListColumn(gettext_lazy("Programme"), lambda row: row.programme_name, "programme_name"),
            ListColumn(gettext_lazy("Qualification"), lambda row: row.qualification, "qualification"),
            ListColumn(gettext_lazy("Graduates"), lambda row: row.graduates, "", "num"),
            ListColumn(gettext_lazy("Work in their profession"), lambda row: row.in_profession, "", "num"),
            ListColumn(gettext_lazy("Study further in the field"), lambda row: row.studying_same_field, "", "num"),
            ListColumn(gettext_lazy("Study in another field"), lambda row: row.studying_other_field, "", "num"),
            ListColumn(gettext_lazy("Work in another field"), lambda row: row.working_other_field, "", "num"),
            ListColumn(gettext_lazy("Work abroad"), lambda row: row.working_abroad, "", "num"),
            ListColumn(gettext_lazy("No information"), lambda row: row.no_information, "", "num"),
            ListColumn(gettext_lazy("Other"), lambda row: row.other, "", "num"),
        ),
        default_sort="-school_year__start_date",
    ),
    TableSpec(
        name="inspection",
        path="inspections",
        model=Inspection,
        form_class=table_forms.InspectionForm,
        filterset_class=table_forms.InspectionFilter,
        title=gettext_lazy("Opinions of external bodies"),
        intro=gettext_lazy(
            "The opinions of the fire and rescue service, the health inspectorate and other bodies on the places "
            "where the institution runs its programmes: the self-assessment report's table 7 shows the latest of "
            "each body on each place."
        ),
        new_title=gettext_lazy("New opinion"),
        columns=(
            INSTITUTION,
            ListColumn(gettext_lazy("Place"), lambda row: row.address, "address"),
            ListColumn(gettext_lazy("Body"), lambda row: row.body_label, "body"),
            ListColumn(gettext_lazy("Issued on"), lambda row: row.issued_on, "issued_on", "date"),
            ListColumn(gettext_lazy("Number"), lambda row: row.number, "", "code"),
            ListColumn(gettext_lazy("Conclusion"), lambda row: row.conclusion),
        ),
        default_sort="-issued_on",
    ),
    TableSpec(
        name="recommendation",
        path="recommendations",
        model=Recommendation,
        form_class=table_forms.RecommendationForm,
        filterset_class=table_forms.RecommendationFilter,
        title=gettext_lazy("Recommendations and their follow-up"),
        intro=gettext_lazy(
            "The recommendations of the institution's earlier evaluation and how they were carried out: the "
            "self-assessment report's section “Follow-up of the earlier evaluation's recommendations”."
        ),
        new_title=gettext_lazy("New recommendation"),
        columns=(
            INSTITUTION,
            ListColumn(gettext_lazy("Given on"), lambda row: row.given_on, "given_on", "date"),
            ListColumn(gettext_lazy("Recommendation"), lambda row: row.recommendation),
            ListColumn(gettext_lazy("Follow-up"), lambda row: row.follow_up),
            ListColumn(gettext_lazy("Status"), lambda row: row.get_status_display(), "status"),
            ListColumn(gettext_lazy("Carried out on"), lambda row: row.done_on, "done_on", "date"),
        ),
        default_sort="given_on",
    ),
)
BY_NAME = {spec.name: spec for spec in TABLES}


class TableListView(PermissionRequiredMixin, ScopedListView):
    """A self-assessment table's rows in the viewer's scope; subclasses name their `spec`."""

    permission_required = VIEW_PERMISSION
    template_name = "quality/table_list.html"
    partial_template_name = "quality/partials/table_rows.html"
    spec: ClassVar[TableSpec]

    def get_rows(self) -> QuerySet[Any]:
        rows: QuerySet[Any] = self.spec.model._default_manager.select_related("institution")
        if any(field.name == "school_year" for field in self.spec.model._meta.fields):
            rows = rows.select_related("school_year")
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        columns = self.spec.columns
        context.update(
            spec=self.spec,
            headers=[(str(column.header), column.sort, column.kind) for column in columns],
            rows=[(row.pk, [(column.value(row), column.kind) for column in columns]) for row in context["object_list"]],
            can_add=self.request.user.has_perm(table_services.CHANGE_PERMISSION),
            edit_url=f"quality:{self.spec.name}_edit",
            new_url=f"quality:{self.spec.name}_new",
            tables=TABLES,
        )
        return context


def _list_view(spec: TableSpec) -> type[TableListView]:
    """The list page class of `spec` (named for the table, so the audit trail and the tests can tell them apart)."""
    return type(
        f"{spec.model.__name__}ListView",
        (TableListView,),
        {
            "__module__": __name__,
            "__doc__": f"The list of {spec.model._meta.verbose_name_plural} in the viewer's scope.",
            "spec": spec,
            "filterset_class": spec.filterset_class,
            "sort_fields": spec.sort_fields,
            "default_sort": spec.default_sort,
            "export_filename": spec.path,
            "export_columns": [Column(column.header, column.value) for column in spec.columns],
        },
    )


@permission_required(VIEW_PERMISSION, raise_exception=True)
def table_row_view(request: HttpRequest, pk: int | None = None, *, table: str) -> HttpResponse:
    """Add a row (heads: to their institution), or read, edit or delete one of the viewer's scope (else 404)."""
    spec = BY_NAME[table]
    row = scoped_object(request, spec.model._default_manager.select_related("institution"), pk=pk) if pk else None
    can_change = request.user.has_perm(table_services.CHANGE_PERMISSION)
    if row is None and not can_change:
        raise PermissionDenied(_("Your role does not change self-assessments."))
    form = spec.form_class(request.POST or None, instance=row, viewer=request.user)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role does not change self-assessments."))
        if row is not None and "delete" in request.POST:
            table_services.self_assessment_table_row_delete(row=row, viewer=request.user)
            messages.success(request, _("The row was deleted."))
            return redirect(f"quality:{spec.name}_list")
        if form.is_valid():
            edited = form.save(commit=False)
            try:
                table_services.self_assessment_table_row_save(
                    row=edited, viewer=request.user, expected_version=form.edited_version()
                )
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The row was saved."))
                return redirect(f"quality:{spec.name}_list")
    return render(
        request,
        "quality/table_form.html",
        {"spec": spec, "row": row, "form": form, "can_change": can_change, "list_url": f"quality:{spec.name}_list"},
    )


LIST_VIEWS: dict[str, type[TableListView]] = {spec.name: _list_view(spec) for spec in TABLES}
QualificationExamResultListView = LIST_VIEWS["qualification_exam"]
InterestParticipationListView = LIST_VIEWS["interest_participation"]
GraduateEmploymentListView = LIST_VIEWS["graduate_employment"]
InspectionListView = LIST_VIEWS["inspection"]
RecommendationListView = LIST_VIEWS["recommendation"]


def urlpatterns() -> list[URLPattern]:
    """The tables' pages under `self-assessment-tables/<table>/` (the quality area's urls add them)."""
    found = []
    for spec in TABLES:
        base = f"self-assessment-tables/{spec.path}/"
        found += [
            path(base, LIST_VIEWS[spec.name].as_view(), name=f"{spec.name}_list"),
            path(f"{base}new/", table_row_view, {"table": spec.name}, name=f"{spec.name}_new"),
            path(f"{base}<int:pk>/", table_row_view, {"table": spec.name}, name=f"{spec.name}_edit"),
        ]
    return found

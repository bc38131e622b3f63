"""Pages of the assets area: devices, loans (one, a whole class, returns by scanning), licences, rooms, stock-takes,
and the export for the state register RUMIS."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.assets import selectors, services
from eduboard.assets.choices import AssetStatus, ReturnCondition
from eduboard.assets.filters import AssetFilter, LicenceFilter, LoanFilter, RoomFilter
from eduboard.assets.models import Asset, AssetKind, Licence, Loan, Room, Stocktake
from eduboard.core.audit import audit_bulk_read, audit_export
from eduboard.core.exports import Column, table_response
from eduboard.core.forms import ScopedFormMixin
from eduboard.core.qr import qr_png_base64
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.people.models import StaffMember
from eduboard.registry.models import Group, Institution, Learner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _borrower(loan: Loan) -> str:
    person = loan.learner or loan.staff_member
    return "" if person is None else f"{person.first_name} {person.last_name} ({person.masked_code})"


def _agreement_url(loan: Loan) -> str:
    """The loan's agreement as PDF (the agreements of a class print through the same view)."""
    return f"{reverse('assets:agreements')}?loans={loan.pk}"


def _borrower_urls(request: HttpRequest, loans: Iterable[Loan]) -> dict[int, str]:
    """The page of each loan's borrower, by loan, for the borrowers whose page the viewer may open (the learner's
    or the staff member's: its permission and its scope, one query each); the others are named without a link."""
    loans = list(loans)
    learner_ids = {loan.learner_id for loan in loans if loan.learner_id is not None}
    staff_ids = {loan.staff_member_id for loan in loans if loan.staff_member_id is not None}
    learners: set[int] = set()
    staff: set[int] = set()
    if learner_ids and request.user.has_perm("registry.view_learner"):
        learners = set(scoped_rows(request, Learner).filter(pk__in=learner_ids).values_list("pk", flat=True))
    if staff_ids and request.user.has_perm("people.view_staffmember"):
        staff = set(scoped_rows(request, StaffMember).filter(pk__in=staff_ids).values_list("pk", flat=True))
    urls: dict[int, str] = {}
    for loan in loans:
        if loan.learner_id in learners:
            urls[loan.pk] = reverse("registry:learner_detail", args=[loan.learner_id])
        elif loan.staff_member_id in staff:
            urls[loan.pk] = reverse("people:staff_detail", args=[loan.staff_member_id])
    return urls


class TableListView(PermissionRequiredMixin, ScopedListView):
    """A list of the area: the export's columns are the table's columns too (the first one links to the row)."""

    template_name = "assets/list.html"
    table_template: ClassVar[str] = "assets/partials/table.html"
    partial_template_name = table_template
    title: ClassVar[Any] = ""
    help_text: ClassVar[Any] = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"], context["help_text"] = self.title, self.help_text
        context["table_template"] = self.table_template
        context["headers"] = [column.header for column in self.export_columns]
        context["rows"] = [
            (
                getattr(row, "get_absolute_url", lambda: "")(),
                [column.value(row) for column in self.export_columns],
            )
            for row in context["object_list"]
        ]
        return context


class AssetListView(TableListView):
    """Devices of the user's institutions; filter, sort, export."""

    permission_required = "assets.view_asset"
    filterset_class = AssetFilter
    title = gettext_lazy("Devices and equipment")
    help_text = gettext_lazy(
        "Every device has an inventory number unique across the board. Search by inventory or serial number; a "
        "device's page shows its history and loans."
    )
    sort_fields = {"number": "inventory_number", "kind": "kind__name", "status": "status"}
    default_sort = "number"
    export_filename = "devices"
    export_columns = [
        Column(gettext_lazy("Inventory number"), lambda a: a.inventory_number),
        Column(gettext_lazy("Kind"), lambda a: str(a.kind)),
        Column(gettext_lazy("Model"), lambda a: a.model),
        Column(gettext_lazy("Serial number"), lambda a: a.serial_number),
        Column(gettext_lazy("Institution"), lambda a: a.institution.short_name or a.institution.name),
        Column(gettext_lazy("Funding source"), lambda a: str(a.funding_source or "")),
        Column(gettext_lazy("Acquired on"), lambda a: a.acquired_on),
        Column(gettext_lazy("Price (EUR)"), lambda a: a.price),
        Column(gettext_lazy("Status"), lambda a: a.get_status_display()),
    ]

    queryset = Asset.objects.select_related("kind", "institution", "funding_source")


class LoanListView(TableListView):
    """Loans of the user's institutions' devices: open, overdue, returned. Each row links to its device, to its
    borrower's page (where the viewer may open it), to the loan's page and to its agreement (PDF)."""

    permission_required = "assets.view_loan"
    table_template = "assets/partials/loan_table.html"
    partial_template_name = table_template
    filterset_class = LoanFilter
    title = gettext_lazy("Loans")
    help_text = gettext_lazy(
        "Devices lent to learners and staff. “Overdue”: open loans whose due date has passed. Type a learner's or a "
        "staff member's name under “Borrower” to see their devices."
    )
    sort_fields = {"lent_on": "lent_on", "due_on": "due_on"}
    default_sort = "-lent_on"
    export_filename = "loans"
    export_columns = [
        Column(gettext_lazy("Inventory number"), lambda loan: loan.asset.inventory_number),
        Column(gettext_lazy("Borrower"), _borrower),
        Column(gettext_lazy("Lent on"), lambda loan: loan.lent_on),
        Column(gettext_lazy("Due on"), lambda loan: loan.due_on),
        Column(gettext_lazy("Returned on"), lambda loan: loan.returned_on),
        Column(gettext_lazy("Condition on return"), lambda loan: loan.get_condition_display()),
    ]

    queryset = Loan.objects.select_related("asset__institution", "learner", "staff_member")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        loans = list(context["object_list"])
        borrowers = _borrower_urls(self.request, loans)
        context["rows"] = [
            (
                # (value, link) a cell: the inventory number to the device, the borrower to their page
                list(
                    zip(
                        cells,
                        [loan.asset.get_absolute_url(), borrowers.get(loan.pk, "")] + [""] * (len(cells) - 2),
                        strict=True,
                    )
                ),
                loan,
                reverse("assets:loan_detail", args=[loan.pk]),
                _agreement_url(loan),
            )
            for loan, (_url, cells) in zip(loans, context["rows"], strict=True)
        ]
        return context


class LicenceListView(TableListView):
    permission_required = "assets.view_licence"
    filterset_class = LicenceFilter
    title = gettext_lazy("Licences")
    help_text = gettext_lazy("Licences of the institutions; tick “ending within 60 days” to see those to renew.")
    sort_fields = {"product": "product", "valid_to": "valid_to"}
    default_sort = "product"
    export_filename = "licences"
    export_columns = [
        Column(gettext_lazy("Product"), lambda licence: licence.product),
        Column(gettext_lazy("Institution"), lambda licence: licence.institution.name),
        Column(gettext_lazy("Seats"), lambda licence: licence.seats),
        Column(gettext_lazy("Valid from"), lambda licence: licence.valid_from),
        Column(gettext_lazy("Valid to"), lambda licence: licence.valid_to),
        Column(gettext_lazy("Funding source"), lambda licence: licence.funding_source or ""),
    ]

    queryset = Licence.objects.select_related("institution", "funding_source")


class RoomListView(TableListView):
    permission_required = "assets.view_room"
    filterset_class = RoomFilter
    title = gettext_lazy("Rooms")
    help_text = gettext_lazy("Rooms of each institution with their places and computers.")
    sort_fields = {"institution": "institution__sort_name", "name": "name"}
    default_sort = "institution"
    export_filename = "rooms"
    export_columns = [
        Column(gettext_lazy("Institution"), lambda room: room.institution.name),
        Column(gettext_lazy("Room"), lambda room: room.name),
        Column(gettext_lazy("Kind"), lambda room: room.get_kind_display()),
        Column(gettext_lazy("Places"), lambda room: room.places),
        Column(gettext_lazy("Computers"), lambda room: room.computers),
    ]

    queryset = Room.objects.select_related("institution")


# --- a device, a loan, a return


class LoanForm(ScopedFormMixin, forms.Form):
    learner = forms.ModelChoiceField(label=gettext_lazy("Learner"), queryset=Learner.objects.all(), required=False)
    lent_on = forms.DateField(label=gettext_lazy("Lent on"), widget=DATE)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DATE, required=False)


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=gettext_lazy("Returned on"), widget=DATE)
    condition = forms.ChoiceField(label=gettext_lazy("Condition on return"), choices=ReturnCondition.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


@permission_required("assets.view_asset", raise_exception=True)
def asset_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A device: its facts, its status history and its loans (each with its agreement); lend it or record its
    return. Lending to a learner who already holds a device of its kind asks to confirm first."""
    asset = scoped_object(request, Asset.objects.select_related("kind", "institution", "funding_source"), pk=pk)
    can_lend = (
        request.user.has_perm("assets.add_loan") and scoped_rows(request, Asset, editing=True).filter(pk=pk).exists()
    )
    today = timezone.localdate()
    loan_form = LoanForm(request.POST or None, initial={"lent_on": today}, viewer=request.user)
    loans = list(asset.loans.select_related("learner", "staff_member").order_by("-lent_on", "-pk"))
    open_loan = next((loan for loan in loans if loan.returned_on is None), None)
    same_kind = None  # the warning that the learner holds a device of this kind already, and whom it names
    if request.method == "POST":
        if not can_lend:
            raise PermissionDenied
        if loan_form.is_valid() and loan_form.cleaned_data["learner"] is not None:
            learner = loan_form.cleaned_data["learner"]
            try:
                services.loan_create(
                    asset=asset,
                    learner=learner,
                    lent_on=loan_form.cleaned_data["lent_on"],
                    due_on=loan_form.cleaned_data["due_on"],
                    viewer=request.user,
                    # confirmed for this learner (the warning's checkbox): lent, though they hold one of the kind
                    warn_same_kind=request.POST.get("confirm") != str(learner.pk),
                )
            except ValidationError as error:
                if error.code == "holds_same_kind":  # a warning, not a refusal: the form asks to confirm
                    same_kind = {"message": " ".join(error.messages), "learner": learner}
                else:
                    loan_form.add_error(None, error)
            else:
                messages.success(request, _("The device was lent."))
                return redirect(asset.get_absolute_url())
        elif loan_form.is_valid():
            loan_form.add_error("learner", _("Choose the learner."))
    borrowers = _borrower_urls(request, loans)
    return render(
        request,
        "assets/asset_detail.html",
        {
            "asset": asset,
            "history": asset.status_changes.select_related("changed_by").order_by("changed_on", "pk"),
            "loans": [(loan, borrowers.get(loan.pk, ""), _agreement_url(loan)) for loan in loans],
            "open_loan": open_loan,
            "loan_form": loan_form if can_lend and open_loan is None and asset.status == AssetStatus.IN_STOCK else None,
            "same_kind": same_kind,
            "return_form": ReturnForm(initial={"returned_on": today, "condition": "ok", "version": open_loan.version})
            if can_lend and open_loan
            else None,
        },
    )


@permission_required("assets.view_loan", raise_exception=True)
def loan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One loan: its device, its borrower (a link where the viewer may open their page), its days, its condition
    on return and its agreement (PDF)."""
    loan = scoped_object(
        request,
        Loan.objects.select_related("asset__kind", "asset__institution", "learner", "staff_member"),
        pk=pk,
    )
    return render(
        request,
        "assets/loan_detail.html",
        {
            "loan": loan,
            "borrower_url": _borrower_urls(request, [loan]).get(loan.pk, ""),
            "agreement_url": _agreement_url(loan),
        },
    )


@permission_required("assets.change_loan", raise_exception=True)
def loan_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the return of one loan (POST)."""
    loan = scoped_object(request, Loan, editing=True, pk=pk)
    form = ReturnForm(request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_return(
                loan_id=loan.pk,
                returned_on=form.cleaned_data["returned_on"],
                condition=form.cleaned_data["condition"],
                version=form.cleaned_data["version"],
                viewer=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The return was recorded."))
    else:
        messages.error(request, _("Give the return date and the condition."))
    return redirect("assets:asset_detail", pk=loan.asset_id)


class ReturnsForm(forms.Form):
    numbers = forms.CharField(
        label=gettext_lazy("Inventory numbers"),
        widget=forms.Textarea(attrs={"rows": 8, "autofocus": True, "autocomplete": "off"}),
        help_text=gettext_lazy("Type or scan one number a line (a USB scanner types the number and Enter)."),
        max_length=20000,
    )
    returned_on = forms.DateField(label=gettext_lazy("Returned on"), widget=DATE)
    condition = forms.ChoiceField(label=gettext_lazy("Condition on return"), choices=ReturnCondition.choices)


@permission_required("assets.change_loan", raise_exception=True)
def returns_view(request: HttpRequest) -> HttpResponse:
    """Returns by typing or scanning inventory numbers: each number answered on its own."""
    form = ReturnsForm(request.POST or None, initial={"returned_on": timezone.localdate(), "condition": "ok"})
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.loans_return_by_numbers(
            numbers=form.cleaned_data["numbers"].splitlines(),
            returned_on=form.cleaned_data["returned_on"],
            condition=form.cleaned_data["condition"],
            viewer=request.user,
        )
        form = ReturnsForm(initial={"returned_on": form.cleaned_data["returned_on"], "condition": "ok"})
    return render(request, "assets/returns.html", {"form": form, "result": result})


# --- a whole class at once


class BulkLoanForm(ScopedFormMixin, forms.Form):
    group = forms.ModelChoiceField(label=gettext_lazy("Group (class)"), queryset=Group.objects.all())
    kind = forms.ModelChoiceField(label=gettext_lazy("Kind"), queryset=AssetKind.objects.all())
    lent_on = forms.DateField(label=gettext_lazy("Lent on"), widget=DATE)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=DATE, required=False)


def _holders_answer(holders: list[tuple[Learner, list[str]]]) -> str:
    """The answer that confirms a second device to the learners a class lending's warning names: their ids."""
    return ",".join(str(learner.pk) for learner, _devices in holders)


@permission_required("assets.add_loan", raise_exception=True)
def bulk_loan_view(request: HttpRequest) -> HttpResponse:
    """Lend one free device of a kind to every learner of a class who has none; then the loan agreements as PDF.
    When some learners of the class hold a device of the kind already, the page lists them first and asks: lend
    to the others only, or (confirmed) a second device to them too."""
    form = BulkLoanForm(request.POST or None, initial={"lent_on": timezone.localdate()}, viewer=request.user)
    result = None
    holders: list[tuple[Learner, list[str]]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        holders = selectors.group_holders_of_kind(
            group=data["group"], kind=data["kind"], on=data["lent_on"], visible_to=request.user
        )
        # The answer to the warning: "skip" (the others only), or the learners it named (a second device to them
        # too); a warning that named others than those who hold one now is asked again.
        answer = request.POST.get("confirm", "")
        if not holders or answer in ("skip", _holders_answer(holders)):
            try:
                result = services.loans_bulk_create(
                    group=data["group"],
                    kind=data["kind"],
                    lent_on=data["lent_on"],
                    due_on=data["due_on"],
                    viewer=request.user,
                    include_holders=bool(holders) and answer != "skip",
                )
            except ValidationError as error:
                form.add_error(None, error)
            holders = []
    return render(
        request,
        "assets/bulk_loan.html",
        {
            "form": form,
            "result": result,
            "holders": holders,
            "holders_answer": _holders_answer(holders),
            "agreement_ids": ",".join(str(loan.pk) for loan in result.lent) if result else "",
        },
    )


@permission_required("assets.view_loan", raise_exception=True)
def agreements_pdf_view(request: HttpRequest) -> HttpResponse:
    """Loan agreements as one PDF, a page per loan (Latvian), with signature lines for the parent (or for the
    staff member who borrows): a class's from the class lending, one loan's from its page, its device's page and
    the loans list."""
    from weasyprint import HTML

    ids = [int(part) for part in request.GET.get("loans", "").split(",") if part.isdigit() and len(part) < 10][:2000]
    loans = list(
        scoped_rows(
            request, Loan.objects.select_related("asset__kind", "asset__institution", "learner", "staff_member")
        )
        .filter(pk__in=ids)
        .order_by("learner__sort_name", "pk")
    )
    if not loans:
        messages.error(request, _("No loans to print."))
        return redirect("assets:loan_list")
    audit_bulk_read(request=request, model=Loan, rows=len(loans))
    html = render_to_string("assets/agreements.html", {"loans": loans, "today": timezone.localdate()})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    name = f"loan-agreement-{slugify(loans[0].asset.inventory_number)}" if len(loans) == 1 else "loan-agreements"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@permission_required("assets.view_asset", raise_exception=True)
def labels_pdf_view(request: HttpRequest) -> HttpResponse:
    """QR labels of the devices a list shows (its filters), as a PDF sheet to print and stick on."""

    from weasyprint import HTML

    filterset = AssetFilter(request.GET or None, queryset=scoped_rows(request, Asset), request=request)
    assets = list(filterset.qs.select_related("kind", "institution").order_by("inventory_number")[:1000])
    labels = [(asset, qr_png_base64(asset.inventory_number)) for asset in assets]
    html = render_to_string("assets/labels.html", {"labels": labels})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="labels.pdf"'
    return response


# --- stock-takes


class StocktakeStartForm(ScopedFormMixin, forms.Form):
    institution = forms.ModelChoiceField(label=gettext_lazy("Institution"), queryset=Institution.objects.all())


@permission_required("assets.view_stocktake", raise_exception=True)
def stocktake_list_view(request: HttpRequest) -> HttpResponse:
    """Stock-takes of the user's institutions; start one."""
    form = StocktakeStartForm(request.POST or None, viewer=request.user)  # a head's one school: given by the form
    if request.method == "POST":
        if not request.user.has_perm("assets.add_stocktake"):
            raise PermissionDenied
        if form.is_valid():
            try:
                take = services.stocktake_start(
                    institution_id=form.cleaned_data["institution"].pk, on=timezone.localdate(), viewer=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(take.get_absolute_url())
    takes = scoped_rows(request, Stocktake.objects.select_related("institution"))[:100]
    return render(request, "assets/stocktake_list.html", {"form": form, "stocktakes": takes})


class ScanForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Inventory number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}),
    )


@permission_required("assets.view_stocktake", raise_exception=True)
def stocktake_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Count: scan or type numbers (a phone-sized page); see found, missing and found-elsewhere; close it."""
    take = scoped_object(request, Stocktake.objects.select_related("institution"), pk=pk)
    can_change = request.user.has_perm("assets.change_stocktake")
    form = ScanForm(request.POST if request.POST.get("action") == "scan" else None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "scan" and form.is_valid():
                services.stocktake_scan(stocktake=take, number=form.cleaned_data["number"])
                return redirect(take.get_absolute_url())
            if request.POST.get("action") == "close":
                lost = services.stocktake_close(
                    stocktake_id=take.pk,
                    on=timezone.localdate(),
                    viewer=request.user,
                    version=int(request.POST.get("version", "0") or 0),
                    confirmed=request.POST.get("confirm") == "yes",
                )
                messages.success(
                    request, _("The stock-take is closed; %(n)d devices recorded as lost.") % {"n": len(lost)}
                )
                return redirect(take.get_absolute_url())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(take.get_absolute_url())
    return render(
        request,
        "assets/stocktake_detail.html",
        {"take": take, "result": selectors.stocktake_result(stocktake=take), "form": form, "can_change": can_change},
    )


# --- the state register


@permission_required("assets.view_loan", raise_exception=True)
def rumis_export_view(request: HttpRequest) -> HttpResponse:
    """An institution's devices and open loans as CSV for RUMIS: inventory number, kind, serial number, the
    borrower's personal code (full only for those who may see full codes, and written to the audit trail), lent
    on and due on."""
    institution = scoped_object(request, Institution, registration_number=request.GET.get("institution", ""))
    full = request.GET.get("codes") == "full"
    if full and not request.user.has_perm("registry.reveal_personal_code"):
        raise PermissionDenied(_("Your role does not show full personal codes."))
    open_loans: dict[int, Loan] = {
        loan.asset_id: loan
        for loan in scoped_rows(request, Loan.objects.select_related("learner", "staff_member")).filter(
            asset__institution=institution, returned_on__isnull=True
        )
    }
    assets = scoped_rows(request, Asset.objects.select_related("kind")).filter(
        institution=institution, status__in=["in_stock", "lent", "in_repair"]
    )

    def code(asset: Asset) -> str:
        loan = open_loans.get(asset.pk)
        person = loan and (loan.learner or loan.staff_member)
        if not person:
            return ""
        return person.personal_code if full else person.masked_code

    columns = [
        Column("inventory_number", lambda a: a.inventory_number),
        Column("kind", lambda a: a.kind.code),
        Column("serial_number", lambda a: a.serial_number),
        Column("borrower_personal_code", code),
        Column("lent_on", lambda a: open_loans[a.pk].lent_on if a.pk in open_loans else ""),
        Column("due_on", lambda a: open_loans[a.pk].due_on if a.pk in open_loans else ""),
    ]
    rows = list(assets.order_by("inventory_number"))
    response = table_response(
        filename=f"rumis-{institution.registration_number}", fmt="csv", columns=columns, rows=rows
    )
    audit_export(request=request, model=Loan, fmt="csv", rows=len(rows), full_codes=full)
    return response


@permission_required("assets.view_asset", raise_exception=True)
def assets_home_view(request: HttpRequest) -> HttpResponse:
    """The area's figures today and its pages."""
    today = timezone.localdate()
    stats = selectors.assets_stats(as_of=today, visible_to=request.user)
    kinds = {kind.code: str(kind) for kind in AssetKind.objects.all()}
    rows = [
        (kinds.get(code, code), figures) for code, figures in stats["assets_by_kind"].items() if any(figures.values())
    ]
    return render(request, "assets/home.html", {"stats": stats, "rows": rows, "today": today})

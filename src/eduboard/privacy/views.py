"""The privacy pages: subject-access requests (prepared by a head or the board, signed off by the board, given as
PDF or JSON), the retention rules and the record of processing. Thin: rules in `privacy.services` and
`privacy.rules`, reads in `privacy.selectors`."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduboard.core.audit import audit_read
from eduboard.core.exports import Column
from eduboard.core.forms import add_service_error
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.privacy import services
from eduboard.privacy.documents import answer_pdf, records_pdf
from eduboard.privacy.filters import AccessRequestFilter
from eduboard.privacy.forms import AccessRequestForm, RetentionRuleForm
from eduboard.privacy.models import AccessRequest, RequestStatus, RetentionRule
from eduboard.privacy.retention import KINDS_BY_CODE
from eduboard.privacy.rules import may_prepare, may_sign_off
from eduboard.privacy.selectors import processing_records
from eduboard.registry.models import Learner
from eduboard.registry.validators import mask_personal_code, normalise_personal_code


class AccessRequestListView(PermissionRequiredMixin, ScopedListView):
    """The subject-access requests the viewer may see: the board's all, a head's those of their institutions."""

    permission_required = "privacy.view_accessrequest"
    model = AccessRequest
    queryset = AccessRequest.objects.select_related("learner", "institution", "requested_by", "signed_off_by")
    filterset_class = AccessRequestFilter
    template_name = "privacy/request_list.html"
    partial_template_name = "privacy/partials/request_table.html"
    sort_fields = {"received": "received_on", "status": "status"}
    default_sort = "-received"
    export_filename = "subject-access-requests"
    export_columns = [
        Column(gettext_lazy("Received on"), lambda r: r.received_on),
        Column(gettext_lazy("Learner"), lambda r: f"{r.learner.first_name} {r.learner.last_name}"),
        Column(gettext_lazy("Personal code"), lambda r: mask_personal_code(r.learner.personal_code)),
        Column(gettext_lazy("Requested by"), lambda r: r.requester),
        Column(gettext_lazy("Status"), lambda r: r.get_status_display()),
        Column(gettext_lazy("Due on"), lambda r: r.due_on),
    ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_prepare"] = may_prepare(self.request.user)
        return context


@permission_required("privacy.add_accessrequest", raise_exception=True)
def request_new_view(request: HttpRequest) -> HttpResponse:
    """Find the learner by the full personal code (within the viewer's scope) and prepare the answer."""
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = normalise_personal_code(data["personal_code"])
        learner = scoped_rows(request, Learner).filter(personal_code=code).first()
        if learner is None:
            form.add_error("personal_code", _("No learner of your institutions has this personal code."))
        else:
            try:
                access = services.access_request_prepare(
                    viewer=request.user,
                    learner=learner,
                    requester=data["requester"],
                    received_on=data["received_on"],
                    language=data["language"],
                )
            except PermissionDenied as error:
                form.add_error("personal_code", str(error))
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The answer is prepared; the board signs it off before it is given."))
                return redirect(access.get_absolute_url())
    return render(request, "privacy/request_form.html", {"form": form})


@permission_required("privacy.view_accessrequest", raise_exception=True)
def request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The prepared answer as the parent will read it, with the sign-off and the downloads."""
    access = scoped_object(request, AccessRequest.objects.select_related("learner", "requested_by"), pk=pk)
    audit_read(actor=request.user, instance=access.learner)  # the page shows the learner's whole record
    return render(
        request,
        "privacy/request_detail.html",
        {
            "request_row": access,
            "answer": access.answer,
            "may_sign_off": may_sign_off(request.user) and access.status == RequestStatus.PREPARED,
            "signed_off": access.status == RequestStatus.SIGNED_OFF,
            "records": sum(len(section["rows"]) for section in access.answer.get("sections", [])),
        },
    )


@permission_required("privacy.view_accessrequest", raise_exception=True)
@require_POST
def request_sign_off_view(request: HttpRequest, pk: int) -> HttpResponse:
    access = scoped_object(request, AccessRequest, editing=True, pk=pk)
    try:
        services.access_request_sign_off(
            viewer=request.user, request=access, expected_version=_version(request.POST.get("version"))
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The answer is signed off: it may be given to the parent."))
    return redirect(access.get_absolute_url())


def _version(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@permission_required("privacy.view_accessrequest", raise_exception=True)
def request_answer_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The signed-off answer as a PDF (in the language asked for) or as JSON; recorded in the audit trail."""
    if fmt not in ("pdf", "json"):
        raise Http404
    access = scoped_object(request, AccessRequest.objects.select_related("learner"), pk=pk)
    if access.status != RequestStatus.SIGNED_OFF:
        messages.error(request, _("The answer is given only once the board has signed it off."))
        return redirect(access.get_absolute_url())
    services.access_request_given(viewer=request.user, request=access, fmt=fmt)
    if fmt == "pdf":
        response = HttpResponse(answer_pdf(access), content_type="application/pdf")
    else:
        body = json.dumps(access.answer, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{access.pk}.{fmt}"'
    return response


@permission_required("privacy.view_retentionrule", raise_exception=True)
def retention_view(request: HttpRequest) -> HttpResponse:
    """The retention rules: each kind of data, what is done past its period, counted from when, and the rule that
    holds (`services.retention_rules`: a kind without a stored rule gets its defaults stored, as the run does)."""
    rows = services.retention_rules()
    return render(
        request,
        "privacy/retention.html",
        {"rows": rows, "can_edit": request.user.has_perm("privacy.change_retentionrule")},
    )


@permission_required("privacy.change_retentionrule", raise_exception=True)
def rule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The board edits one rule (a stale edit is refused with what was typed kept)."""
    rule = scoped_object(request, RetentionRule, editing=True, pk=pk)
    form = RetentionRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_rule_save(
                viewer=request.user, rule=form.instance, expected_version=form.edited_version()
            )
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect("privacy:retention")
    return render(request, "privacy/rule_edit.html", {"rule": rule, "kind": KINDS_BY_CODE.get(rule.kind), "form": form})


@permission_required("privacy.view_retentionrule", raise_exception=True)
def records_view(request: HttpRequest) -> HttpResponse:
    """The record of processing (GDPR Art. 30) and the DPIA template, generated from the models; `?format=pdf` or
    `json` downloads it."""
    records = processing_records(visible_to=request.user)
    fmt = request.GET.get("format", "")
    if fmt == "pdf":
        response = HttpResponse(records_pdf(records), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="processing-records.pdf"'
        return response
    if fmt == "json":
        response = HttpResponse(
            json.dumps(records, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="processing-records.json"'
        return response
    return render(request, "privacy/records.html", {"records": records})

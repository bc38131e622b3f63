"""The centre's rooms and equipment (issue 44, point 3): its rooms from the assets area with the slots that hold
them, its kits and tablets with their status, the ones out with visiting groups, a form to lend some to a group and
a button to record their return. Writes in `centre.services` (kits_lend, kit_return); the assets area keeps the
devices' status and its history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eduboard.assets.models import Asset
from eduboard.centre import services
from eduboard.centre.forms import KitLendForm
from eduboard.centre.models import KitLoan
from eduboard.centre.selectors import rooms_with_coming_slots, user_centre
from eduboard.core.forms import add_service_error
from eduboard.core.views import scoped_object, scoped_rows


@permission_required("innovation.view_kitloan", raise_exception=True)
def equipment_view(request: HttpRequest) -> HttpResponse:
    centre = user_centre(viewer=request.user)
    if centre is None:  # a school's head reads the centre's bookings of the school, and has no centre here
        return render(request, "innovation/equipment.html", {"centre": None})
    today = timezone.localdate()
    can_lend = request.user.has_perm("innovation.add_kitloan")
    form = KitLendForm(
        request.POST or None, viewer=request.user, centre_id=centre.pk, near=today, initial={"lent_on": today}
    )
    if request.method == "POST":
        if not can_lend:
            raise PermissionDenied
        if form.is_valid():
            try:
                loans = services.kits_lend(
                    viewer=request.user,
                    centre_id=centre.pk,
                    assets=form.cleaned_data["assets"],
                    group=form.cleaned_data["group"],
                    booking=form.cleaned_data["booking"],
                    on=form.cleaned_data["lent_on"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("%(n)d lent to %(group)s.") % {"n": len(loans), "group": loans[0].group})
                return redirect("innovation:equipment")
    return render(
        request,
        "innovation/equipment.html",
        {
            "centre": centre,
            "rooms": rooms_with_coming_slots(centre=centre, today=today, visible_to=request.user),
            "devices": scoped_rows(request, Asset.objects.select_related("kind"))
            .filter(institution=centre)
            .order_by("kind__code", "inventory_number"),
            "out": scoped_rows(request, KitLoan.objects.select_related("asset__kind"))
            .filter(centre=centre, returned_on__isnull=True)
            .order_by("lent_on", "pk"),
            "returned": scoped_rows(request, KitLoan.objects.select_related("asset__kind"))
            .filter(centre=centre, returned_on__isnull=False)
            .order_by("-returned_on", "-pk")[:20],
            "form": form,
            "can_lend": can_lend,
            "today": today,
        },
    )


@require_POST
@permission_required("innovation.change_kitloan", raise_exception=True)
def kit_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    loan = scoped_object(request, KitLoan, editing=True, pk=pk)
    posted = request.POST.get("version", "")
    try:
        services.kit_return(
            viewer=request.user,
            loan_id=loan.pk,
            on=timezone.localdate(),
            expected_version=int(posted) if posted.isdigit() else 0,  # no version or a garbled one: stale
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The kit is back in stock."))
    return redirect("innovation:equipment")

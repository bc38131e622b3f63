"""The centre's pages (the `centre_staff` role for its centre; the board reads all): bookings with their status
and moves, a booking's visit, visits (also walk-in visitors and events), the schedule as an iCalendar feed for
staff calendars, visitor cards printed as a PDF sheet with QR codes, points recorded on a phone-sized page, and
leaderboards per school and class. Thin: writes in `centre.services`, reads in `centre.selectors`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduboard.centre import services
from eduboard.centre.choices import BookingStatus, VisitKind
from eduboard.centre.filters import ActivityFilter, BookingFilter, VisitFilter
from eduboard.centre.forms import ActivityForm, CardsForm, PointsForm, SlotForm, VisitForm
from eduboard.centre.models import Activity, Booking, Card, Slot, Visit
from eduboard.centre.rules import visitors_expression
from eduboard.centre.selectors import card_total, leaderboards, user_centre
from eduboard.core import board_wall
from eduboard.core.exports import Column
from eduboard.core.ical import CalendarEvent, calendar
from eduboard.core.qr import qr_png_base64
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows

FEED_SALT = "eduboard.centre.schedule"


class BookingListView(PermissionRequiredMixin, ScopedListView):
    """The centre's bookings: confirm, cancel, record that a group came or did not."""

    permission_required = "innovation.view_booking"
    filterset_class = BookingFilter
    template_name = "innovation/booking_list.html"
    partial_template_name = "innovation/partials/booking_table.html"
    sort_fields = {"date": "slot__date", "school": "school_name", "status": "status"}
    default_sort = "date"
    export_filename = "bookings"
    export_columns = [
        Column(gettext_lazy("Date"), lambda b: b.slot.date),
        Column(gettext_lazy("Start"), lambda b: b.slot.start.strftime("%H:%M")),
        Column(gettext_lazy("Activity"), lambda b: b.slot.activity.code),
        Column(gettext_lazy("School"), lambda b: b.school_name),
        Column(gettext_lazy("Municipality"), lambda b: b.municipality),
        Column(gettext_lazy("Group size"), lambda b: b.group_size),
        Column(gettext_lazy("Grade or age"), lambda b: b.grade),
        Column(gettext_lazy("Language"), lambda b: b.language),
        Column(gettext_lazy("Status"), lambda b: b.status),
        Column(gettext_lazy("Teacher"), lambda b: b.contact_name),
        Column(gettext_lazy("E-mail"), lambda b: b.email),
        Column(gettext_lazy("Phone"), lambda b: b.phone),
    ]

    queryset = Booking.objects.select_related("slot__activity")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm("innovation.change_booking")
        context["statuses"] = BookingStatus.choices
        return context


def _tell_teacher(request: HttpRequest, booking: Booking, subject: str) -> None:
    from eduboard.centre.public_views import _mail_booking

    _mail_booking(request, booking, booking.language if booking.language in ("lv", "ru", "en") else "lv", subject)


@permission_required("innovation.change_booking", raise_exception=True)
@require_POST
def booking_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, cancel, or record attended / no-show; the teacher is told of a confirmation or cancellation."""
    booking = scoped_object(request, Booking, editing=True, pk=pk)
    status = request.POST.get("status", "")
    try:
        version = int(request.POST.get("version", ""))
        changed = services.booking_status_change(
            viewer=request.user, booking_id=booking.pk, status=status, expected_version=version
        )
    except ValueError:
        messages.error(request, _("The form was out of date; reload the page and try again."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if status in (BookingStatus.CONFIRMED, BookingStatus.CANCELLED):
            _tell_teacher(
                request, changed, _("Your booking at the Innovation Centre: %s") % changed.get_status_display()
            )
        messages.success(request, _("The booking is now: %s.") % changed.get_status_display())
    back = str(request.POST.get("next", ""))
    return redirect(back if back.startswith("/innovation/") and "//" not in back else "innovation:booking_list")


@permission_required("innovation.view_booking", raise_exception=True)
def booking_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A booking: move it to another of the activity's slots, and record its visit."""
    booking = scoped_object(request, Booking.objects.select_related("slot__activity__module"), pk=pk)
    can_change = request.user.has_perm("innovation.change_booking")
    visit = scoped_rows(request, Visit).filter(booking=booking).first()
    initial = {
        "kind": VisitKind.BOOKED,
        "date": booking.slot.date,
        "school_name": booking.school_name,
        "municipality": booking.municipality,
        "grade": booking.grade,
        "learners": booking.group_size,
        "teachers": 1,
        "module": booking.slot.activity.module_id,
        "age_band": booking.slot.activity.age_bands.order_by("youngest").first(),
    }
    form = VisitForm(
        request.POST or None,
        instance=visit,
        initial=None if visit else initial,
        viewer=request.user,
        centre_id=booking.slot.activity.centre_id,
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "move":
            try:
                services.booking_move(
                    viewer=request.user,
                    booking_id=booking.pk,
                    to_slot_id=int(request.POST.get("slot", "0") or 0),
                    expected_version=int(request.POST.get("version", "0") or 0),
                )
            except (ValueError, ValidationError) as error:
                for message in getattr(error, "messages", [str(error)]):
                    messages.error(request, message)
            else:
                booking.refresh_from_db()
                _tell_teacher(request, booking, _("Your booking at the Innovation Centre was moved"))
                messages.success(request, _("The booking was moved."))
            return redirect("innovation:booking_detail", pk=booking.pk)
        if form.is_valid():
            edited: Visit = form.save(commit=False)
            edited.booking = booking
            edited.centre_id = booking.slot.activity.centre_id
            edited.activity = booking.slot.activity
            try:
                services.visit_save(
                    viewer=request.user,
                    visit=edited,
                    expected_version=form.edited_version(),
                    led_by=form.cleaned_data["led_by"],
                )
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The visit was recorded."))
                return redirect("innovation:booking_detail", pk=booking.pk)
    slots = (
        scoped_rows(request, Slot, editing=True)
        .filter(activity=booking.slot.activity, date__gte=timezone.localdate())
        .exclude(pk=booking.slot_id)
        .order_by("date", "start")[:60]
    )
    return render(
        request,
        "innovation/booking_detail.html",
        {"booking": booking, "form": form, "slots": slots, "can_change": can_change, "visit": visit},
    )


class VisitListView(PermissionRequiredMixin, ScopedListView):
    permission_required = "innovation.view_visit"
    filterset_class = VisitFilter
    template_name = "innovation/visit_list.html"
    partial_template_name = "innovation/partials/visit_table.html"
    sort_fields = {"date": "date", "school": "school_name"}
    default_sort = "-date"
    export_filename = "visits"
    export_columns = [
        Column(gettext_lazy("Date"), lambda v: v.date),
        Column(gettext_lazy("Kind"), lambda v: v.kind),
        Column(gettext_lazy("Activity"), lambda v: v.activity.code if v.activity else ""),
        Column(gettext_lazy("School"), lambda v: v.school_name),
        Column(gettext_lazy("Municipality"), lambda v: v.municipality),
        Column(gettext_lazy("Grades"), lambda v: v.grade),
        Column(gettext_lazy("Learners"), lambda v: v.learners),
        Column(gettext_lazy("Teachers"), lambda v: v.teachers),
        Column(gettext_lazy("Parents"), lambda v: v.parents),
        Column(gettext_lazy("Seniors"), lambda v: v.seniors),
        Column(gettext_lazy("Other adults"), lambda v: v.other_adults),
        Column(gettext_lazy("Children under school age"), lambda v: v.children_under_school_age),
        Column(gettext_lazy("Visitors in all"), lambda v: v.visitors),
        Column(gettext_lazy("Place"), lambda v: v.place),
        Column(gettext_lazy("Where outside"), lambda v: v.place_name),
        Column(gettext_lazy("Module"), lambda v: v.module.code if v.module else ""),
        Column(gettext_lazy("Age band"), lambda v: v.age_band.code if v.age_band else ""),
    ]

    queryset = Visit.objects.select_related("activity", "module", "age_band").annotate(visitors=visitors_expression())


@permission_required("innovation.add_visit", raise_exception=True)
def visit_add_view(request: HttpRequest) -> HttpResponse:
    """Walk-in visitors or an event (a booked group's visit is recorded on its booking)."""
    centre = user_centre(viewer=request.user)
    if centre is None:
        raise PermissionDenied(_("Your scope holds no innovation centre."))
    form = VisitForm(
        request.POST or None,
        viewer=request.user,
        centre_id=centre.pk,
        initial={"kind": VisitKind.WALK_IN, "date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        visit: Visit = form.save(commit=False)
        visit.centre = centre
        try:
            services.visit_save(
                viewer=request.user,
                visit=visit,
                expected_version=form.edited_version(),
                led_by=form.cleaned_data["led_by"],
            )
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("innovation:visit_list")
    return render(request, "innovation/visit_form.html", {"form": form})


def feed_key(user: Any) -> str:
    return signing.dumps(user.pk, salt=FEED_SALT)


@permission_required("innovation.view_slot", raise_exception=True)
def schedule_view(request: HttpRequest) -> HttpResponse:
    """The schedule (slots with their bookings) for two weeks, and the address of its calendar feed."""
    today = timezone.localdate()
    slots = (
        scoped_rows(request, Slot.objects.select_related("activity").prefetch_related("bookings"))
        .filter(date__gte=today, date__lte=today + timedelta(days=14))
        .order_by("date", "start")
    )
    feed = request.build_absolute_uri(reverse("innovation:schedule_feed", kwargs={"key": feed_key(request.user)}))
    return render(request, "innovation/schedule.html", {"slots": slots, "feed": feed})


@login_not_required
def schedule_feed_view(request: HttpRequest, key: str) -> HttpResponse:
    """The centre's schedule as iCalendar for a staff calendar: the address carries the user's signed key (a
    calendar cannot sign in); a key of a user who lost the permission answers 404."""
    try:
        user_id = signing.loads(key, salt=FEED_SALT)
    except signing.BadSignature:
        raise Http404 from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_perm("innovation.view_slot"):
        raise Http404
    # The feed is read as the user whose key it carries (a calendar cannot sign in): their scope, their name in
    # the audit trail.
    request.user = user
    board_wall.raise_for(user)  # and their boards in the database, for the rest of the request
    today = timezone.localdate()
    slots = (
        scoped_rows(request, Slot.objects.select_related("activity").prefetch_related("bookings"))
        .filter(date__gte=today - timedelta(days=30), date__lte=today + timedelta(days=180))
        .order_by("date", "start")
    )
    events = []
    for slot in slots:
        held = [b for b in slot.bookings.all() if b.status in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)]
        events.append(
            CalendarEvent(
                uid=f"slot-{slot.pk}@eduboard",
                summary=f"{slot.activity.title(None)} ({slot.booked}/{slot.places})",
                start=timezone.make_aware(datetime.combine(slot.date, slot.start)),
                end=timezone.make_aware(datetime.combine(slot.date, slot.end)),
                location=slot.room,
                description="\n".join(f"{b.school_name}: {b.group_size} ({b.get_status_display()})" for b in held),
            )
        )
    body = calendar(_("Innovation Centre schedule"), events)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@permission_required("innovation.add_card", raise_exception=True)
def cards_view(request: HttpRequest) -> HttpResponse:
    """Issue visitor cards and print them: a PDF sheet, each card with its number and a QR code of it."""
    from weasyprint import HTML

    centre = user_centre(viewer=request.user)
    if centre is None:
        raise PermissionDenied(_("Your scope holds no innovation centre."))
    form = CardsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cards = services.cards_issue(viewer=request.user, centre=centre, **form.cleaned_data)
        printed = [(card, qr_png_base64(card.number)) for card in cards]
        html = render_to_string("innovation/cards_pdf.html", {"cards": printed, "centre": centre})
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="visitor-cards.pdf"'
        return response
    recent = scoped_rows(request, Card).order_by("-pk")[:20]
    return render(request, "innovation/cards.html", {"form": form, "recent": recent})


@permission_required("innovation.add_pointentry", raise_exception=True)
def points_view(request: HttpRequest) -> HttpResponse:
    """Record a task's points on a card (a phone or a tablet at an exhibit: type or scan the number)."""
    form = PointsForm(request.POST or None, initial={"task": request.GET.get("task", "")[:120]})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.points_record(viewer=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("card", error)
        else:
            messages.success(
                request,
                _("%(points)d points on card %(card)s (now %(total)d).")
                % {
                    "points": entry.points,
                    "card": entry.card.number,
                    "total": card_total(card=entry.card),
                },
            )
            return redirect(f"{reverse('innovation:points')}?task={form.cleaned_data['task']}")
    return render(request, "innovation/points.html", {"form": form})


@permission_required("innovation.view_pointentry", raise_exception=True)
def leaderboard_view(request: HttpRequest) -> HttpResponse:
    """Points per school and per class for a period (cards only: no names)."""
    today = timezone.localdate()
    try:
        date_from = date.fromisoformat(request.GET.get("from", "")[:10])
    except ValueError:
        date_from = today.replace(day=1)
    try:
        date_to = date.fromisoformat(request.GET.get("to", "")[:10])
    except ValueError:
        date_to = today
    boards = leaderboards(date_from=date_from, date_to=date_to, visible_to=request.user)
    return render(
        request,
        "innovation/leaderboard.html",
        {**boards, "date_from": date_from, "date_to": date_to},
    )


class ActivityListView(PermissionRequiredMixin, ScopedListView):
    """The catalogue as the centre keeps it: published and draft activities."""

    permission_required = "innovation.view_activity"
    filterset_class = ActivityFilter
    template_name = "innovation/activity_list.html"
    partial_template_name = "innovation/partials/activity_table.html"
    sort_fields = {"code": "code", "title": "title_lv"}
    default_sort = "code"
    export_filename = "activities"
    export_columns = [
        Column(gettext_lazy("Code"), lambda a: a.code),
        Column(gettext_lazy("Kind"), lambda a: a.kind),
        Column(gettext_lazy("Module"), lambda a: a.module.code),
        Column(gettext_lazy("Age bands"), lambda a: ";".join(b.code for b in a.age_bands.all())),
        Column(gettext_lazy("Duration, minutes"), lambda a: a.duration_min),
        Column(gettext_lazy("Places"), lambda a: a.places),
        Column(gettext_lazy("Languages"), lambda a: a.languages),
        Column(gettext_lazy("Title"), lambda a: a.title(None)),
        Column(gettext_lazy("Published"), lambda a: "yes" if a.published else "no"),
    ]

    queryset = Activity.objects.select_related("module").prefetch_related("age_bands")


@permission_required("innovation.view_activity", raise_exception=True)
def activity_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or edit an activity (the centre's staff), and its slots below it."""
    activity = scoped_object(request, Activity, pk=pk) if pk else None
    can_change = request.user.has_perm("innovation.change_activity" if activity else "innovation.add_activity")
    centre = activity.centre if activity else user_centre(viewer=request.user)
    if centre is None:
        raise PermissionDenied(_("Your scope holds no innovation centre."))
    form = ActivityForm(request.POST or None, request.FILES or None, instance=activity, viewer=request.user)
    slot_form = SlotForm(None, viewer=request.user, prefix="slot", centre_id=centre.pk)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if request.POST.get("action") == "slot" and activity is not None:
            slot_form = SlotForm(request.POST, viewer=request.user, prefix="slot", centre_id=centre.pk)
            if slot_form.is_valid():
                slot: Slot = slot_form.save(commit=False)
                slot.activity = activity
                try:
                    services.slot_save(viewer=request.user, slot=slot, expected_version=slot_form.edited_version())
                except ValidationError as error:
                    slot_form.add_save_error(error)
                else:
                    messages.success(request, _("The slot was added."))
                    return redirect("innovation:activity_edit", pk=activity.pk)
        elif form.is_valid():
            edited: Activity = form.save(commit=False)
            edited.centre = centre
            try:
                services.activity_save(
                    viewer=request.user,
                    activity=edited,
                    expected_version=form.edited_version(),
                    age_bands=form.cleaned_data["age_bands"],
                )
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The activity was saved."))
                return redirect("innovation:activity_edit", pk=edited.pk)
    slots = activity.slots.order_by("-date", "start")[:40] if activity else []
    return render(
        request,
        "innovation/activity_form.html",
        {"activity": activity, "form": form, "slot_form": slot_form, "slots": slots, "can_change": can_change},
    )

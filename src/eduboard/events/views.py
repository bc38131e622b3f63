"""The shared events calendar: a month view (every signed-in user, as every page is by default; the board and the
institutions add and edit their own), and feeds of the public events for anyone: iCalendar (RFC 5545) and Atom
(RFC 4287, summaries as plain text)."""

from __future__ import annotations

import calendar as month_calendar
import copy
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.core.feeds import TextAtom1Feed
from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.ical import CalendarEvent, calendar
from eduboard.core.scope import WHOLE_CITY
from eduboard.core.views import scoped_object, scoped_rows
from eduboard.events import services
from eduboard.events.models import Event
from eduboard.events.selectors import events_between, when_label
from eduboard.registry.models import Institution

FEED_DAYS_BEFORE, FEED_DAYS_AFTER = 90, 400


class EventForm(ScopedFormMixin, VersionedModelForm):
    """An event: its dates (whole days) or its times."""

    class Meta:
        model = Event
        fields = [
            "title",
            "title_en",
            "title_ru",
            "kind",
            "all_day",
            "starts_at",
            "ends_at",
            "when_text",
            "when_text_en",
            "when_text_ru",
            "place",
            "organiser",
            "audience",
            "public",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }


def _month(request: HttpRequest) -> date:
    try:
        year, month = (int(part) for part in request.GET.get("month", "")[:7].split("-"))
        return date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.replace(day=1)


@permission_required("events.view_event", raise_exception=True)
def month_view(request: HttpRequest) -> HttpResponse:
    """A month of the shared calendar: the days with their events, the previous and next month."""
    first = _month(request)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    events = events_between(start=first, end=last, visible_to=request.user)
    editable = set(
        scoped_rows(request, Event, editing=True).filter(pk__in=[e.pk for e in events]).values_list("pk", flat=True)
    )
    days: dict[date, list[Any]] = {}
    for event in events:
        start = timezone.localtime(event.starts_at).date()
        end = timezone.localtime(event.ends_at).date() if event.ends_at else start
        day = max(start, first)
        while day <= min(end, last):
            days.setdefault(day, []).append(event)
            day += timedelta(days=1)
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render(
        request,
        "events/events_month.html",
        {
            "first": first,
            "weeks": [[(day, days.get(day, []), day.month == first.month) for day in week] for week in weeks],
            "listed": [(when_label(e), e, e.pk in editable) for e in events],
            "previous": previous,
            "following": following,
            "ical": request.build_absolute_uri(reverse("events_ical")),
            "atom": request.build_absolute_uri(reverse("events_atom")),
            "can_add": request.user.has_perm("events.add_event"),
        },
    )


@permission_required("events.add_event", raise_exception=True)
def event_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an event, or edit one the user's institutions organise (the board: any)."""
    event = scoped_object(request, Event, editing=True, pk=pk) if pk else None
    own = list(scoped_rows(request, Institution, editing=True).order_by("pk")[:2])
    initial = {} if event else {"organiser": own[0].pk if len(own) == 1 else None, "all_day": True}
    form = EventForm(request.POST or None, instance=event, initial=initial, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        edited: Event = form.save(commit=False)
        try:
            services.event_save(viewer=request.user, event=edited, expected_version=form.edited_version())
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The event was saved."))
            month = timezone.localtime(edited.starts_at).strftime("%Y-%m")
            return redirect(f"{reverse('events_month')}?month={month}")
    return render(request, "events/event_form.html", {"form": form, "event": event})


def _public_events() -> list[Event]:
    today = timezone.localdate()
    return events_between(
        start=today - timedelta(days=FEED_DAYS_BEFORE),
        end=today + timedelta(days=FEED_DAYS_AFTER),
        visible_to=WHOLE_CITY,
        public_only=True,
    )


def _day_after(moment: datetime) -> date:
    return timezone.localtime(moment).date() + timedelta(days=1)


@login_not_required
def ical_view(request: HttpRequest) -> HttpResponse:
    """The public events as iCalendar, for anyone's calendar."""
    items = []
    for event in _public_events():
        if event.all_day:
            start: Any = timezone.localtime(event.starts_at).date()
            end: Any = _day_after(event.ends_at or event.starts_at)
        else:
            start, end = event.starts_at, event.ends_at
        items.append(
            CalendarEvent(
                uid=f"event-{event.pk}@eduboard",
                summary=event.title,
                start=start,
                end=end,
                location=event.place,
                description=event.audience,
            )
        )
    body = calendar(_("Education board events"), items)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


class EventFeed(Feed):
    """The public events as an Atom feed (RFC 4287: each entry with `updated`, the feed with its author)."""

    login_required = False  # public: the sign-in middleware lets anyone read the feed

    feed_type = TextAtom1Feed  # summaries are plain text, never HTML
    title = gettext_lazy("Education board events")
    subtitle = gettext_lazy("Public events of the city's education institutions and the board.")
    link = reverse_lazy("events_ical")
    author_name = gettext_lazy("The city education board")

    authority = "localhost"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The host the feed is read on names the entries' ids (RFC 4151 tag URIs, which carry no port). The view is
        # one instance for every request, so each request's host goes on a copy of it, never on the shared one.
        feed = copy.copy(self)
        feed.authority = urlsplit(f"//{request.get_host()}").hostname or "localhost"
        return Feed.__call__(feed, request, *args, **kwargs)

    def items(self) -> list[Event]:
        return _public_events()

    def item_title(self, item: Event) -> str:
        return f"{when_label(item)} {item.title}"

    def item_description(self, item: Event) -> str:
        parts = [item.place, item.audience, item.organiser.name if item.organiser else ""]
        return " · ".join(part for part in parts if part) or item.title

    def item_link(self, item: Event) -> str:
        month = timezone.localtime(item.starts_at).strftime("%Y-%m")
        return f"{reverse('events_month')}?month={month}#event-{item.pk}"

    def item_guid(self, item: Event) -> str:
        """The entry's id, an IRI as RFC 4287 wants (4.2.6), that stays the same when the event is moved or
        renamed: a tag URI (RFC 4151) of the host and the day the event was entered."""
        return f"tag:{self.authority},{timezone.localtime(item.created_at):%Y-%m-%d}:event-{item.pk}"

    def item_pubdate(self, item: Event) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Event) -> datetime:
        return item.updated_at

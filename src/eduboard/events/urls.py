"""The shared events calendar: /events/ (signed in) and its public feeds."""

from django.urls import path

from eduboard.events import views as event_views

urlpatterns = [
    path("", event_views.month_view, name="events_month"),
    path("new/", event_views.event_edit_view, name="events_add"),
    path("<int:pk>/", event_views.event_edit_view, name="events_edit"),
    path("feed.ics", event_views.ical_view, name="events_ical"),
    path("feed.atom", event_views.EventFeed(), name="events_atom"),
]

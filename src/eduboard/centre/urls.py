from django.urls import path

from eduboard.centre import equipment_views, programme_views, views

app_name = "innovation"

urlpatterns = [
    path("activities/", views.ActivityListView.as_view(), name="activity_list"),
    path("activities/new/", views.activity_edit_view, name="activity_add"),
    path("activities/<int:pk>/", views.activity_edit_view, name="activity_edit"),
    path("bookings/", views.BookingListView.as_view(), name="booking_list"),
    path("bookings/<int:pk>/", views.booking_detail_view, name="booking_detail"),
    path("bookings/<int:pk>/status/", views.booking_status_view, name="booking_status"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", views.visit_add_view, name="visit_add"),
    path("schedule/", views.schedule_view, name="schedule"),
    path("schedule/<str:key>.ics", views.schedule_feed_view, name="schedule_feed"),
    path("cards/", views.cards_view, name="cards"),
    path("points/", views.points_view, name="points"),
    path("leaderboard/", views.leaderboard_view, name="leaderboard"),
    path("equipment/", equipment_views.equipment_view, name="equipment"),
    path("equipment/loans/<int:pk>/return/", equipment_views.kit_return_view, name="kit_return"),
    path("companies/", programme_views.StudentCompanyListView.as_view(), name="company_list"),
    path("fairs/", programme_views.FairListView.as_view(), name="fair_list"),
    path("programme/", programme_views.ProgrammeEventListView.as_view(), name="programme_event_list"),
    path("partners/", programme_views.PartnerListView.as_view(), name="partner_list"),
    path("companies/new/", programme_views.programme_edit_view, {"what": "company"}, name="company_add"),
    path("companies/<int:pk>/", programme_views.programme_edit_view, {"what": "company"}, name="company_edit"),
    path("fairs/new/", programme_views.programme_edit_view, {"what": "fair"}, name="fair_add"),
    path("fairs/<int:pk>/", programme_views.programme_edit_view, {"what": "fair"}, name="fair_edit"),
    path(
        "programme/new/", programme_views.programme_edit_view, {"what": "programme_event"}, name="programme_event_add"
    ),
    path(
        "programme/<int:pk>/",
        programme_views.programme_edit_view,
        {"what": "programme_event"},
        name="programme_event_edit",
    ),
    path("partners/new/", programme_views.programme_edit_view, {"what": "partner"}, name="partner_add"),
    path("partners/<int:pk>/", programme_views.programme_edit_view, {"what": "partner"}, name="partner_edit"),
]

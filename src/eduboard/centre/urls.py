from django.urls import path

from eduboard.centre import views

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
]

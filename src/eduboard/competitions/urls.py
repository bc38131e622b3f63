"""The centre's competition pages: /innovation/competitions/…"""

from django.urls import path

from eduboard.competitions import ring_views, views

app_name = "competitions"

urlpatterns = [
    path("", views.CompetitionListView.as_view(), name="competition_list"),
    path("new/", views.competition_edit_view, name="competition_add"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/<int:pk>/check/", views.team_check_view, name="team_check"),
    path("<int:pk>/", views.competition_detail_view, name="competition_detail"),
    path("<int:pk>/edit/", views.competition_edit_view, name="competition_edit"),
    path("<int:pk>/certificates.pdf", views.certificates_view, name="competition_certificates"),
    path("<int:pk>/<slug:discipline>/draw/", views.draw_view, name="competition_draw"),
    path("<int:pk>/<slug:discipline>/matches/", views.matches_view, name="competition_matches"),
    path("<int:pk>/<slug:discipline>/attempts/", views.attempts_view, name="competition_attempts"),
    path("<int:pk>/<slug:discipline>/ring/", ring_views.ring_view, name="competition_ring"),
    path("<int:pk>/<slug:discipline>/ring/rows/", ring_views.ring_rows_view, name="competition_ring_rows"),
    path("<int:pk>/<slug:discipline>/undo/", ring_views.bracket_undo_view, name="bracket_undo"),
    path("sheets/<int:pk>/", ring_views.score_sheet_view, name="score_sheet"),
]

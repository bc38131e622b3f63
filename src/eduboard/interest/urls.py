"""Interest education pages, under /registry/interest/ in the `interest` namespace."""

from django.urls import path

from eduboard.interest import views

app_name = "interest"

urlpatterns = [
    path("", views.overview_view, name="interest_overview"),
    path("groups/", views.InterestGroupListView.as_view(), name="interest_groups"),
    path("clubs/", views.ClubListView.as_view(), name="club_list"),
    path("clubs/new/", views.club_edit_view, name="club_add"),
    path("clubs/<int:pk>/", views.club_edit_view, name="club_edit"),
    path("licences/", views.LicenceListView.as_view(), name="municipal_licence_list"),
    path("licences/new/", views.licence_edit_view, name="municipal_licence_add"),
    path("licences/<int:pk>/", views.licence_edit_view, name="municipal_licence_edit"),
    path("festivals/", views.FestivalParticipationListView.as_view(), name="festival_list"),
    path("festivals/new/", views.festival_edit_view, name="festival_add"),
    path("festivals/<int:pk>/", views.festival_edit_view, name="festival_edit"),
]

"""The competitions' public pages: /centre/<lv|ru|en>/competitions/…"""

from django.urls import path

from eduboard.competitions import public_views as views

urlpatterns = [
    path("", views.list_view, name="centre_competitions"),
    path("<slug:code>/", views.competition_view, name="centre_competition"),
    path("<slug:code>/live/", views.live_view, name="centre_competition_live"),
    path("<slug:code>/register/", views.register_view, name="centre_competition_register"),
]

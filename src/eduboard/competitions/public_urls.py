"""The competitions' public pages: /centre/<lv|ru|en>/competitions/…"""

from django.urls import path

from eduboard.competitions import public_views as views
from eduboard.core.board_wall import public_page

#: Public pages scope their rows themselves (by token, code or number): the database wall is open to them.
PUBLIC = public_page("a competition's public pages: its teams, registration and scoreboard")

urlpatterns = [
    path("", PUBLIC(views.list_view), name="centre_competitions"),
    path("<slug:code>/", PUBLIC(views.competition_view), name="centre_competition"),
    path("<slug:code>/live/", PUBLIC(views.live_view), name="centre_competition_live"),
    path("<slug:code>/register/", PUBLIC(views.register_view), name="centre_competition_register"),
]

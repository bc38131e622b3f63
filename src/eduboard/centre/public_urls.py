"""The centre's public pages (no sign-in): /centre/<lv|ru|en>/…"""

from django.urls import path

from eduboard.centre import public_views
from eduboard.core.board_wall import public_page

#: Public pages scope their rows themselves (by token, code or number): the database wall is open to them.
PUBLIC = public_page("the centre's public catalogue, bookings by their token and visitor cards by their number")

urlpatterns = [
    path("", PUBLIC(public_views.catalogue_root_view), name="centre_root"),
    path("sitemap.xml", PUBLIC(public_views.sitemap_view), name="centre_sitemap"),
    path("<str:lang>/", PUBLIC(public_views.catalogue_view), name="centre_catalogue"),
    path("<str:lang>/activities/<slug:code>/", PUBLIC(public_views.activity_view), name="centre_activity"),
    path("<str:lang>/slots/<int:slot_id>/book/", PUBLIC(public_views.book_view), name="centre_book"),
    path("<str:lang>/booking/<str:token>/", PUBLIC(public_views.booking_view), name="centre_booking"),
    path("<str:lang>/card/", PUBLIC(public_views.card_view), name="centre_card"),
]

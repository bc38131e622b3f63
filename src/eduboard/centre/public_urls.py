"""The centre's public pages (no sign-in): /centre/<lv|ru|en>/…"""

from django.urls import path

from eduboard.centre import public_views

urlpatterns = [
    path("", public_views.catalogue_root_view, name="centre_root"),
    path("sitemap.xml", public_views.sitemap_view, name="centre_sitemap"),
    path("<str:lang>/", public_views.catalogue_view, name="centre_catalogue"),
    path("<str:lang>/activities/<slug:code>/", public_views.activity_view, name="centre_activity"),
    path("<str:lang>/slots/<int:slot_id>/book/", public_views.book_view, name="centre_book"),
    path("<str:lang>/booking/<str:token>/", public_views.booking_view, name="centre_booking"),
    path("<str:lang>/card/", public_views.card_view, name="centre_card"),
]

"""The courses' public page: /centre/<lv|ru|en>/courses/verify/<key>/, a certificate's verification."""

from django.urls import path

from eduboard.courses import public_views as views

urlpatterns = [
    path("verify/<str:key>/", views.verify_view, name="centre_certificate"),
]

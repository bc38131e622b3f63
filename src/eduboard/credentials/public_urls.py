"""The verifiable certificates' public pages: /centre/<lv|ru|en>/credentials/… (no sign-in)."""

from django.urls import path

from eduboard.credentials import public_views as views

urlpatterns = [
    path("verify/", views.verify_view, name="centre_credential_verify"),
    path("issuers/<int:centre_id>/", views.issuer_view, name="centre_credential_issuer"),
    path("keys/<str:kid>/", views.key_view, name="centre_credential_key"),
    path("<str:key>/", views.credential_view, name="centre_credential"),
    path("<str:key>/credential.jwt", views.credential_jwt_view, name="centre_credential_jwt"),
    path("<str:key>/credential.json", views.credential_json_view, name="centre_credential_json"),
]

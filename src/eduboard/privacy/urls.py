"""The privacy pages: /privacy/…"""

from django.urls import path

from eduboard.privacy import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.AccessRequestListView.as_view(), name="request_list"),
    path("requests/new/", views.request_new_view, name="request_new"),
    path("requests/<int:pk>/", views.request_detail_view, name="request_detail"),
    path("requests/<int:pk>/sign-off/", views.request_sign_off_view, name="request_sign_off"),
    path("requests/<int:pk>/answer.<str:fmt>", views.request_answer_view, name="request_answer"),
    path("retention/", views.retention_view, name="retention"),
    path("retention/<int:pk>/", views.rule_edit_view, name="rule_edit"),
    path("records/", views.records_view, name="records"),
]

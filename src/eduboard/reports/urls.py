from django.urls import path

from eduboard.reports import national_views, views

app_name = "reports"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("national/", national_views.national_view, name="national"),
    path("reports/", views.edition_list_view, name="edition_list"),
    path("reports/compare/", views.edition_compare_view, name="edition_compare"),
    path("reports/<int:pk>/", views.edition_detail_view, name="edition_detail"),
    path("reports/<int:pk>/edit/", views.edition_edit_view, name="edition_edit"),
    path("reports/<int:pk>/<slug:action>/", views.edition_action_view, name="edition_action"),
    path("reports/<int:pk>/file/<str:fmt>/", views.edition_download_view, name="edition_download"),
    path(
        "reports/self-assessments/<int:pk>/file/<str:fmt>/",
        views.self_assessment_file_view,
        name="self_assessment_file",
    ),
    path("reports/jobs/<str:job_id>/", views.job_view, name="job"),
    path("reports/jobs/<str:job_id>/file/", views.job_file_view, name="job_file"),
]

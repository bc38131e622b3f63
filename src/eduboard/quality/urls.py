from django.urls import path

from eduboard.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.observation_stats_view, name="observation_stats"),
    path("observations/", views.ObservationListView.as_view(), name="observation_list"),
    path("observations/new/", views.observation_create_view, name="observation_create"),
    path("observations/<int:pk>/", views.observation_detail_view, name="observation_detail"),
    path("forms/", views.form_list_view, name="form_list"),
    path("forms/<int:pk>/", views.form_detail_view, name="form_detail"),
    path("forms/<int:pk>/revise/", views.form_revise_view, name="form_revise"),
    path("exams/", views.exam_comparison_view, name="exam_comparison"),
    path("exams/results/", views.ExamResultListView.as_view(), name="exam_result_list"),
    path("exams/support/", views.support_list_view, name="support_list"),
]

from django.urls import path

from eduboard.quality import evaluation_views, table_views, views

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
    path("self-assessments/", evaluation_views.SelfAssessmentListView.as_view(), name="self_assessment_list"),
    path("self-assessments/start/", evaluation_views.self_assessment_start_view, name="self_assessment_start"),
    path("self-assessments/late/", evaluation_views.self_assessment_late_view, name="self_assessment_late"),
    path("self-assessments/<int:pk>/", evaluation_views.self_assessment_detail_view, name="self_assessment_detail"),
    path(
        "self-assessments/<int:pk>/priorities/",
        evaluation_views.self_assessment_priorities_view,
        name="self_assessment_priorities",
    ),
    path(
        "self-assessments/criteria/<int:pk>/",
        evaluation_views.self_assessment_entry_view,
        name="self_assessment_entry",
    ),
    path(
        "self-assessments/<int:pk>/<str:step>/", evaluation_views.self_assessment_step_view, name="self_assessment_step"
    ),
    path("accreditations/", evaluation_views.AccreditationListView.as_view(), name="accreditation_list"),
    path("heads/", evaluation_views.heads_view, name="heads"),
    *table_views.urlpatterns(),  # the self-assessment report's tables 4–7 and section 3
]

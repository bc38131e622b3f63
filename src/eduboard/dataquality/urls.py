from django.urls import path

from eduboard.dataquality import views

app_name = "dataquality"

urlpatterns = [
    path("", views.DataIssueListView.as_view(), name="issues"),
    path("run/", views.data_check_start_view, name="run"),
    path("census/", views.census_view, name="census"),
    path("duplicates/", views.duplicate_queue_view, name="duplicates"),
    path("rules/", views.rule_list_view, name="rules"),
    path("rules/<int:pk>/", views.rule_edit_view, name="rule_edit"),
]

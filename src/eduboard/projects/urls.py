from django.urls import path

from eduboard.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("new/", views.project_form_view, name="project_add"),
    path("<int:pk>/", views.project_detail_view, name="project_detail"),
    path("<int:pk>/edit/", views.project_form_view, name="project_edit"),
    path("<int:pk>/tranches/", views.tranche_plan_view, name="tranche_plan"),
    path("<int:pk>/mobilities/new/", views.mobility_add_view, name="mobility_add"),
    path("mobilities/<int:pk>/edit/", views.mobility_edit_view, name="mobility_edit"),
    path("<int:pk>/prefinancing/new/", views.prefinancing_add_view, name="prefinancing_add"),
    path("prefinancing/<int:pk>/edit/", views.prefinancing_edit_view, name="prefinancing_edit"),
    path("<int:pk>/deadlines/new/", views.deadline_add_view, name="deadline_add"),
    path("deadlines/<int:pk>/edit/", views.deadline_edit_view, name="deadline_edit"),
    path("<int:pk>/documents/new/", views.document_upload_view, name="document_add"),
    path("documents/<int:pk>/", views.document_download_view, name="document"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("countries/", views.countries_view, name="countries"),
    path("mobilities/", views.MobilityListView.as_view(), name="mobility_list"),
]

from django.urls import path

from eduboard.people import views

app_name = "people"

urlpatterns = [
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/new/", views.staff_create_view, name="staff_create"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/<int:pk>/rates/", views.employment_add_view, name="employment_add"),
    path("staff/<int:pk>/training/", views.training_add_view, name="training_add"),
    path("vacancies/", views.VacancyListView.as_view(), name="vacancy_list"),
    path("vacancies/new/", views.vacancy_edit_view, name="vacancy_create"),
    path("vacancies/<int:pk>/", views.vacancy_edit_view, name="vacancy_edit"),
    path("vacancies/<int:pk>/<str:step>/", views.vacancy_step_view, name="vacancy_step"),
    path("training/", views.training_view, name="training"),
]

from django.urls import path

from eduboard.registry import views

app_name = "registry"

urlpatterns = [
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path("institutions/<int:pk>/", views.InstitutionDetailView.as_view(), name="institution_detail"),
]

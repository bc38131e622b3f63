"""The teaching materials' pages: /innovation/materials/…"""

from django.urls import path

from eduboard.materials import views

app_name = "materials"

urlpatterns = [
    path("", views.MaterialListView.as_view(), name="material_list"),
    path("new/", views.material_edit_view, name="material_add"),
    path("<int:pk>/", views.material_detail_view, name="material_detail"),
    path("<int:pk>/edit/", views.material_edit_view, name="material_edit"),
    path("<int:pk>/versions/new/", views.version_add_view, name="material_version_add"),
    path("<int:pk>/download/", views.material_download_view, name="material_download"),
    path("<int:pk>/versions/<int:number>/download/", views.version_download_view, name="material_version_download"),
]

"""The public teaching materials: /centre/<lv|ru|en>/materials/…"""

from django.urls import path

from eduboard.materials import views

urlpatterns = [
    path("", views.public_list_view, name="centre_material_list"),
    path("<int:pk>/download/", views.public_download_view, name="centre_material_download"),
]

from django.urls import path

from eduboard.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.open_data_view, name="index"),
    path("catalog.jsonld", views.catalog_view, name="catalog"),
    path("feed.atom", views.OpenDataFeed(), name="feed"),
    path("publish/", views.publish_view, name="publish"),
    path("<slug:board>/<slug:dataset>.<str:fmt>", views.dataset_file_view, name="file"),
]

from django.urls import path

from eduboard.core import import_views

app_name = "core"

urlpatterns = [
    path("", import_views.import_index_view, name="import_index"),
    path("jobs/<int:pk>/", import_views.import_job_view, name="import_job"),
    path("jobs/<int:pk>/retry/", import_views.import_retry_view, name="import_retry"),
    path("jobs/<int:pk>/confirm/", import_views.import_confirm_view, name="import_confirm"),
    path("jobs/<int:pk>/changes.csv", import_views.import_changes_view, name="import_changes"),
    path("<slug:area>/<slug:kind>/", import_views.import_start_view, name="import_start"),
    path("<slug:area>/<slug:kind>/template.<str:fmt>", import_views.import_template_view, name="import_template"),
]

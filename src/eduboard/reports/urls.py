from django.urls import path

from eduboard.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home_view, name="home"),
]

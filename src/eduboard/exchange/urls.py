from django.urls import path

from eduboard.exchange import views

app_name = "exchange"

urlpatterns = [path("oneroster/", views.oneroster_view, name="oneroster")]

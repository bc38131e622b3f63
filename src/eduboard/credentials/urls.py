"""The verifiable certificates' pages for the centre's staff: /innovation/credentials/…"""

from django.urls import path

from eduboard.credentials import views

app_name = "credentials"

urlpatterns = [
    path("competitions/<int:pk>/issue/", views.competition_issue_view, name="competition_issue"),
]

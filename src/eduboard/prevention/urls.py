from django.urls import path

from eduboard.prevention import views

app_name = "prevention"

urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("rules/", views.rules_view, name="rules"),
    path("risk/", views.risk_list_view, name="risk_list"),
    path("learners/<int:pk>/", views.case_view, name="case"),
]

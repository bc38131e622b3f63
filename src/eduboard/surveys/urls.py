from django.urls import path

from eduboard.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.SurveyListView.as_view(), name="survey_list"),
    path("<slug:code>/", views.survey_detail_view, name="survey_detail"),
    path("<slug:code>/edit/", views.survey_edit_view, name="survey_edit"),
    path("<slug:code>/copy/", views.survey_copy_view, name="survey_copy"),
    path("<slug:code>/codes/", views.survey_codes_view, name="survey_codes"),
    path("<slug:code>/codes/sheet/", views.code_sheet_view, name="code_sheet"),
]

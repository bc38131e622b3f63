"""The public answering pages (no sign-in): /answer/<lv|ru|en>/…"""

from django.urls import path

from eduboard.surveys import answer_views

urlpatterns = [
    path("", answer_views.answer_root_view, name="answer_root"),
    path("<str:lang>/", answer_views.answer_start_view, name="answer_start"),
    path("<str:lang>/link/<str:token>/", answer_views.answer_link_view, name="answer_link"),
    path("<str:lang>/s/<slug:code>/", answer_views.answer_form_view, name="answer_form"),
]

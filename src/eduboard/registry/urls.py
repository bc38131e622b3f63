from django.urls import path, re_path

from eduboard.registry import board_views, views

app_name = "registry"

urlpatterns = [
    path("institutions/", views.InstitutionListView.as_view(), name="institution_list"),
    path("institutions/<int:pk>/", views.InstitutionDetailView.as_view(), name="institution_detail"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group_detail"),
    path("learners/", views.LearnerListView.as_view(), name="learner_list"),
    path("learners/<int:pk>/", views.LearnerDetailView.as_view(), name="learner_detail"),
    path("learners/<int:pk>/correct/", views.learner_correct_view, name="learner_correct"),
    path("enrolments/<int:pk>/leave/", views.enrolment_leave_view, name="enrolment_leave"),
    path("queue/", views.QueueListView.as_view(), name="queue"),
    path("queue/new/", views.queue_register_view, name="queue_register"),
    path("queue/<int:pk>/offer/", views.queue_offer_view, name="queue_offer"),
    # Only these two decisions exist; any other word answers 404.
    re_path(r"^queue/(?P<pk>[0-9]+)/(?P<decision>accept|withdraw)/$", views.queue_decide_view, name="queue_decide"),
    path("statistics/", views.stats_view, name="stats"),
    path("boards/", board_views.board_list_view, name="board_list"),
    path("boards/<slug:code>/", board_views.board_edit_view, name="board_edit"),
]

"""The centre's pages of courses for teachers: /innovation/courses/…"""

from django.urls import path

from eduboard.courses import views

app_name = "courses"

urlpatterns = [
    path("", views.CourseListView.as_view(), name="course_list"),
    path("new/", views.course_edit_view, name="course_add"),
    path("participants/", views.ParticipantListView.as_view(), name="course_participant_list"),
    path("participants/<int:pk>/certificate.pdf", views.certificate_view, name="course_certificate"),
    path("sessions/<int:pk>/", views.session_edit_view, name="course_session_edit"),
    path("<int:pk>/", views.course_detail_view, name="course_detail"),
    path("<int:pk>/edit/", views.course_edit_view, name="course_edit"),
    path("<int:pk>/participants/", views.participants_view, name="course_participants"),
    path("<int:pk>/attendance/", views.attendance_view, name="course_attendance"),
    path("<int:pk>/certify/", views.certify_view, name="course_certify"),
    path("<int:pk>/certificates.pdf", views.certificates_view, name="course_certificates"),
]

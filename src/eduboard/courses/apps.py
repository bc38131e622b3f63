from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Courses for teachers the innovation centre runs: sessions, participants, attendance, certificates."""

    name = "eduboard.courses"
    label = "courses"
    verbose_name = _("Courses for teachers")

    def ready(self) -> None:
        """Register the audited models, the import kind (`import_innovation course_attendance`) and the picker."""
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.courses.forms import register_course_picker
        from eduboard.courses.importers import IMPORTERS
        from eduboard.courses.models import Attendance, Course, CourseSession, Participant

        for model in (Course, CourseSession, Participant, Attendance):
            auditlog.register(model)
        register_importers("innovation", IMPORTERS)
        register_course_picker()

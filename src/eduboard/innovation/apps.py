from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    """The innovation centre: activity catalogue, slots and bookings, visits, visitor cards and points."""

    name = "eduboard.innovation"
    label = "innovation"
    verbose_name = _("Innovation centre")

    def ready(self) -> None:
        """Register the audited models and the import kinds."""
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.innovation.course_forms import register_course_picker
        from eduboard.innovation.importers import IMPORTERS
        from eduboard.innovation.models import (
            Activity,
            Attendance,
            Booking,
            Card,
            Competition,
            Course,
            CourseSession,
            Event,
            Match,
            Material,
            MaterialVersion,
            Participant,
            Prize,
            Slot,
            Team,
            Visit,
        )

        for model in (
            Activity, Slot, Booking, Visit, Card, Prize, Event, Competition, Team, Match, Course, CourseSession,
            Participant, Attendance, Material, MaterialVersion,
        ):  # fmt: skip
            auditlog.register(model)
        register_importers("innovation", IMPORTERS)
        register_course_picker()

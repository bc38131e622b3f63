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
            AgeBand,
            Attempt,
            Attendance,
            Booking,
            Card,
            Competition,
            Course,
            CourseSession,
            Discipline,
            Event,
            Match,
            Material,
            MaterialVersion,
            Module,
            Participant,
            Prize,
            Slot,
            Team,
            Visit,
            WaitingListEntry,
        )

        for model in (
            Slot, Booking, Card, Prize, Event, Team, Match, Course, CourseSession, Participant, Attendance,
            MaterialVersion, Module, AgeBand, Discipline, WaitingListEntry, Attempt,
        ):  # fmt: skip
            auditlog.register(model)
        auditlog.register(Activity, m2m_fields={"age_bands"})
        auditlog.register(Material, m2m_fields={"age_bands"})
        auditlog.register(Visit, m2m_fields={"led_by"})
        auditlog.register(Competition, m2m_fields={"disciplines"})
        register_importers("innovation", IMPORTERS)
        register_course_picker()

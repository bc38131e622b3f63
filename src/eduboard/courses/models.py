"""Courses for teachers the innovation centre runs: sessions, participants, attendance and certificates.

Its tables keep the names they were made with in the `innovation` app (`innovation_course`, …)."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from eduboard.centre.models import CentreQuerySet, Module
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import Viewer, institution_scope
from eduboard.people.models import StaffMember
from eduboard.registry.models import Institution, ScopedQuerySet

# --- courses for teachers


class Course(TimeStampedModel):
    """A professional development course the centre runs for teachers: hours, module, dates, places, lecturer. A
    participant who attended at least `required_percent` of its sessions gets a certificate, and a city teacher's
    hours go to their training records (under `requirement`)."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=60, unique=True, help_text=_("Used in files and the API."))
    title = models.CharField(_("title"), max_length=200)
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hours = models.PositiveSmallIntegerField(
        _("hours"), validators=[MinValueValidator(1), MaxValueValidator(500)], help_text=_("Academic hours.")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    lecturer = models.CharField(_("lecturer"), max_length=200)
    required_percent = models.PositiveSmallIntegerField(
        _("attendance required for a certificate, %"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    requirement = models.ForeignKey(
        "people.TrainingRequirement",
        verbose_name=_("counts toward"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The training requirement a city teacher's certificate is recorded under."),
    )
    registration_open = models.BooleanField(_("registration open"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CentreQuerySet.as_manager()

    class Meta:
        db_table = "innovation_course"
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="innovation_course_ends_after_start",
                violation_error_message=_("A course ends on or after the day it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class CourseSessionQuerySet(ScopedQuerySet):
    institution_path = "course__centre"


class CourseSession(models.Model):
    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    hours = models.PositiveSmallIntegerField(_("hours"), default=1, validators=[MinValueValidator(1)])
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CourseSessionQuerySet.as_manager()

    class Meta:
        db_table = "innovation_coursesession"
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["course", "date"]
        constraints = [models.UniqueConstraint(fields=["course", "date"], name="innovation_session_unique")]

    def __str__(self) -> str:
        return f"{self.course.code} {date_format(self.date, 'SHORT_DATE_FORMAT')}"


class ParticipantQuerySet(ScopedQuerySet):
    """The centre's participants for its staff; a city school's head reads their school's teachers' ones."""

    institution_path = "course__centre"

    def visible_to(self, viewer: Viewer) -> Any:
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(Q(course__centre__in=scope) | Q(school__in=scope))

    def editable_by(self, viewer: Viewer) -> Any:
        return super().visible_to(viewer)


class Participant(TimeStampedModel):
    """A teacher registered for a course: a city teacher by their staff record, another by name and school. The
    certificate has a number and a random key for its public verification page."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="participants")
    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=160)
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school_name = models.CharField(_("school"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=24, blank=True)
    certificate_key = models.CharField(max_length=40, blank=True, editable=False)
    certified_on = models.DateField(_("certificate issued"), null=True, blank=True)
    training_record = models.ForeignKey(
        "people.TrainingRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        db_table = "innovation_participant"
        verbose_name = _("course participant")
        verbose_name_plural = _("course participants")
        ordering = ["course", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "staff_member"],
                condition=Q(staff_member__isnull=False),
                name="innovation_participant_unique_staff",
                violation_error_message=_("This teacher is registered for the course already."),
            ),
            models.UniqueConstraint(
                fields=["certificate_number"],
                condition=~Q(certificate_number=""),
                name="innovation_certificate_number_unique",
                violation_error_message=_("This certificate number is given already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_name})"


class AttendanceQuerySet(ScopedQuerySet):
    institution_path = "session__course__centre"


class Attendance(models.Model):
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="attendance"
    )
    session = models.ForeignKey(
        CourseSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        db_table = "innovation_attendance"
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["participant", "session"], name="innovation_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.session_id}: {self.present}"

"""The tables of a self-assessment report that no other area holds (seed 003): each institution's qualification exam
results (table 4), participants of its clubs and sports sections (table 5), its graduates' education and employment
(table 6), the opinions of external bodies on its premises (table 7) and the recommendations of its earlier
evaluation with their follow-up (section 3). Each row is the institution's, of one school year (or dated), read and
written by whoever holds the institution in scope, like the other quality records.

The accredited programmes (table 1) are the registry's programmes and licences with the quality area's
accreditations; the exam results against the nation (table 3) are `ExamResult`; the equipment is the assets area's;
the projects the projects area's.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import SchoolYear, TimeStampedModel
from eduboard.quality.models.frameworks import Accreditation
from eduboard.registry.models import Institution, ScopedQuerySet


class InspectionBody(models.TextChoices):
    """An external body that inspects an institution's premises and gives an opinion (atzinums)."""

    FIRE_RESCUE = "fire_rescue", _("State Fire and Rescue Service")
    HEALTH = "health", _("Health Inspectorate")
    LABOUR = "labour", _("State Labour Inspectorate")
    FOOD_VETERINARY = "food_veterinary", _("Food and Veterinary Service")
    OTHER = "other", _("other body")


class RecommendationStatus(models.TextChoices):
    """How far an earlier evaluation's recommendation has been carried out."""

    DONE = "done", _("carried out")
    IN_PROGRESS = "in_progress", _("in progress")
    NOT_STARTED = "not_started", _("not started")


def _position() -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        _("row"), default=0, help_text=_("The row's place in the institution's table (1, 2, …).")
    )


def _count(label: object) -> models.PositiveIntegerField[int, int]:
    return models.PositiveIntegerField(label, default=0)  # type: ignore[arg-type]


class QualificationExamResult(TimeStampedModel):
    """How the candidates of one programme or qualification did in the vocational qualification exams of a school
    year (seed 003, table 4). Examined = qualified + lower qualification + not qualified."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    position = _position()
    qualification = models.CharField(
        _("programme or qualification"),
        max_length=255,
        help_text=_("As the exam statistics name it, e.g. “Automehāniķis (1,5)”."),
    )
    qualified = _count(_("obtained the qualification"))
    lower_qualification = _count(_("obtained a lower qualification"))
    not_qualified = _count(_("obtained no qualification"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification exam result")
        verbose_name_plural = _("qualification exam results")
        ordering = ["institution__sort_name", "-school_year__start_date", "position", "qualification"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "school_year", "qualification"],
                name="qualification_exam_unique_row",
                violation_error_message=_("This qualification has a row of this school year already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.qualification}"

    @property
    def examined(self) -> int:
        """Candidates examined: qualified + lower qualification + not qualified."""
        return self.qualified + self.lower_qualification + self.not_qualified


class InterestParticipation(TimeStampedModel):
    """How many of the institution's learners took part in one of its clubs or sports sections in a school year
    (seed 003, table 5: pulciņš / sekcija, audzēkņu skaits)."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    position = _position()
    activity = models.CharField(_("club or sports section"), max_length=160)
    participants = models.PositiveIntegerField(_("participants"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interest-education participation")
        verbose_name_plural = _("interest-education participation")
        ordering = ["institution__sort_name", "-school_year__start_date", "position", "activity"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "school_year", "activity"],
                name="interest_participation_unique_row",
                violation_error_message=_("This club has a row of this school year already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.activity}: {self.participants}"


class GraduateEmployment(TimeStampedModel):
    """What the graduates of one programme and qualification of a school year do after it (seed 003, table 6):
    each graduate is counted once, under one outcome; the graduates are the outcomes added up."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("graduates of the school year"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = _position()
    programme_code = models.CharField(
        _("programme code"), max_length=20, blank=True, help_text=_("As the programme's documents write it.")
    )
    programme_name = models.CharField(_("programme"), max_length=255)
    qualification = models.CharField(_("qualification"), max_length=255)
    in_profession = _count(_("work in their profession"))
    studying_same_field = _count(_("study further in the field"))
    studying_other_field = _count(_("study in another field"))
    working_other_field = _count(_("work in another field"))
    working_abroad = _count(_("work abroad"))
    no_information = _count(_("no information"))
    other = _count(_("other"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    #: The outcome fields, in the table's order.
    OUTCOMES = (
        "in_profession",
        "studying_same_field",
        "studying_other_field",
        "working_other_field",
        "working_abroad",
        "no_information",
        "other",
    )

    class Meta:
        verbose_name = _("graduates' employment")
        verbose_name_plural = _("graduates' employment")
        ordering = ["institution__sort_name", "-school_year__start_date", "position", "qualification"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "school_year", "programme_code", "programme_name", "qualification"],
                name="graduate_employment_unique_row",
                violation_error_message=_("This programme and qualification have a row of this school year already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.programme_name}, {self.qualification}"

    @property
    def graduates(self) -> int:
        """Graduates: every outcome added up (each graduate is counted under one)."""
        return sum(getattr(self, name) for name in self.OUTCOMES)


class Inspection(TimeStampedModel):
    """An external body's opinion (atzinums) on a place where the institution runs its programmes (seed 003,
    table 7): who gave it, when, under which number."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("place"), max_length=255, help_text=_("The address of the premises."))
    body = models.CharField(_("body"), max_length=16, choices=InspectionBody.choices)
    body_name = models.CharField(
        _("name of the body"), max_length=160, blank=True, help_text=_("Only for “other body”.")
    )
    issued_on = models.DateField(_("issued on"))
    number = models.CharField(_("number"), max_length=60, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("external inspection")
        verbose_name_plural = _("external inspections")
        ordering = ["institution__sort_name", "-issued_on", "address"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "address", "body", "issued_on"],
                name="inspection_unique_day",
                violation_error_message=_("This body's opinion on this place of this day is recorded already."),
            ),
            models.CheckConstraint(
                condition=Q(body="other") | Q(body_name=""),
                name="inspection_body_name_only_for_other",
                violation_error_message=_("Name the body only when it is “other body”."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address}: {self.get_body_display()} {self.issued_on:%d.%m.%Y}"

    @property
    def body_label(self) -> str:
        """The body as people read it: its name for “other body”, else the choice's label."""
        return self.body_name if self.body == InspectionBody.OTHER and self.body_name else str(self.get_body_display())


class Recommendation(TimeStampedModel):
    """A recommendation of the institution's earlier evaluation (an accreditation, an inspection) and how it was
    followed up (seed 003, section 3: "Iepriekšējā vērtēšanas perioda ieteikumu izpilde")."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    accreditation = models.ForeignKey(
        Accreditation,
        verbose_name=_("accreditation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The accreditation that gave it, if it was one."),
    )
    given_on = models.DateField(_("given on"))
    recommendation = models.TextField(
        _("recommendation"), blank=True, help_text=_("As the evaluation worded it, where it is known.")
    )
    follow_up = models.TextField(_("follow-up"))
    status = models.CharField(
        _("status"), max_length=12, choices=RecommendationStatus.choices, default=RecommendationStatus.IN_PROGRESS
    )
    done_on = models.DateField(_("carried out on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation and its follow-up")
        verbose_name_plural = _("recommendations and their follow-up")
        ordering = ["institution__sort_name", "given_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=models.F("given_on")),
                name="recommendation_done_after_given",
                violation_error_message=_("A recommendation is carried out on or after the day it was given."),
            ),
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | (~Q(status="done") & Q(done_on__isnull=True)),
                name="recommendation_done_has_day",
                violation_error_message=_("Give the day a recommendation was carried out, and only then."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}: {self.given_on:%d.%m.%Y}"


#: The tables of the self-assessment report kept by the quality area, by the name their pages use.
SELF_ASSESSMENT_TABLES: dict[str, type[models.Model]] = {
    "qualification-exams": QualificationExamResult,
    "interest-participation": InterestParticipation,
    "graduate-employment": GraduateEmployment,
    "inspections": Inspection,
    "recommendations": Recommendation,
}

# Each create, change and delete of these rows is in the audit trail (core.audit_policy), registered here with the
# models they record.
for _model in SELF_ASSESSMENT_TABLES.values():
    auditlog.register(_model)

"""People tables: staff, positions, employments (FTE rates), vacancies, qualifications and training."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eduboard.core.latvian import LatvianKeyField, LatvianKeysMixin
from eduboard.core.models import TimeStampedModel
from eduboard.core.periods import InForceQuerySetMixin, Period
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope
from eduboard.core.translated import TranslatedText, translations_of
from eduboard.registry.models import Institution, ScopedQuerySet
from eduboard.registry.validators import mask_personal_code, validate_personal_code

FTE_DIGITS, FTE_PLACES = 6, 3  # 999.999 at most; three decimals as in the seeds (3.221)


class PositionKind(TranslatedText):
    """A kind of position (amats); `code` is what files use, `is_pedagogical` whether it counts as a pedagogue.
    Its name is kept in three languages (core.translated) and reads in the active one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en, name_ru = translations_of(_("name"), max_length=120)
    is_pedagogical = models.BooleanField(_("pedagogical position"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("position kind")
        verbose_name_plural = _("position kinds")
        ordering = ["name"]


class StaffQuerySet(ScopedQuerySet):
    def visible_to(self, viewer: Viewer) -> StaffQuerySet:
        """Staff with an employment (past or present) in one of the viewer's institutions."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(pk__in=Employment.objects.filter(institution__in=scope).values("staff_member_id"))


class StaffMember(LatvianKeysMixin, TimeStampedModel):
    """A person employed by the board's institutions (darbinieks)."""

    personal_code = models.CharField(
        _("personal code"), max_length=12, unique=True, validators=[validate_personal_code]
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
        help_text=_("The account this person signs in with, so they see their own lesson observations."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    search_name = LatvianKeyField(sources=["first_name", "last_name"], kind="search", max_length=170)
    sort_name = LatvianKeyField(sources=["last_name", "first_name"])

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["sort_name"]
        permissions = [("reveal_personal_code", _("Can see full personal codes of staff"))]
        indexes = [models.Index(fields=["sort_name"], name="staff_sort_name_idx")]  # as Learner's

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_code(self) -> str:
        return mask_personal_code(self.personal_code)

    def get_absolute_url(self) -> str:
        return reverse("people:staff_detail", args=[self.pk])


class StaffLinkedQuerySet(models.QuerySet["models.Model"]):
    def visible_to(self, viewer: Viewer) -> StaffLinkedQuerySet:
        """Rows of staff the viewer may see."""
        if institution_scope(viewer) is None:
            return self
        return self.filter(staff_member__in=StaffMember.objects.visible_to(viewer).values("pk"))

    def editable_by(self, viewer: Viewer) -> StaffLinkedQuerySet:
        """Rows of staff the viewer may change (as visible_to)."""
        return self.visible_to(viewer)


class Qualification(TimeStampedModel):
    """A qualification a staff member holds, with the document that proves it."""

    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="qualifications"
    )
    title = models.CharField(_("qualification"), max_length=255)
    document = models.CharField(_("document"), max_length=255, help_text=_("e.g. diploma series and number"))
    issued_on = models.DateField(_("issued on"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = StaffLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return self.title


def pedagogical_q(path: str = "position__") -> Q:
    """Rates in a pedagogical position (`PositionKind.is_pedagogical`), as a filter on a related path to the position
    kind (`path=""` on PositionKind itself)."""
    return Q(**{f"{path}is_pedagogical": True})


class EmploymentTerms(models.TextChoices):
    """Whether a rate is held in a permanent post or for a fixed term (a replacement, a project)."""

    PERMANENT = "permanent", _("permanent")
    FIXED_TERM = "fixed_term", _("fixed-term")


#: An employment holds from its first day to its last (`end_date`, none: open).
EMPLOYMENT_PERIOD = Period("start_date", "end_date", end_is_last_day=True)


class EmploymentQuerySet(InForceQuerySetMixin, ScopedQuerySet):
    period = EMPLOYMENT_PERIOD

    def active_on(self, day: date) -> EmploymentQuerySet:
        """Employments that hold on `day` (start on or before it, end on or after it or open): `in_force_on`."""
        return cast(EmploymentQuerySet, self.in_force_on(day))

    def pedagogical(self) -> EmploymentQuerySet:
        """Rates in a pedagogical position: who holds one on a day is a pedagogue on that day (an organiser of the
        innovation centre too, when the position kind is pedagogical)."""
        return self.filter(pedagogical_q())


class Employment(TimeStampedModel):
    """A rate (likme) a person holds at an institution in a position, from one date to another (inclusive)."""

    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="employments"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="employments"
    )
    position = models.ForeignKey(PositionKind, verbose_name=_("position"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    fte = models.DecimalField(
        _("FTE rate"),
        max_digits=FTE_DIGITS,
        decimal_places=FTE_PLACES,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text=_("Full-time equivalent, up to three decimals, e.g. 0.5, 1 or 3.221."),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("The last day; empty while it lasts."))
    terms = models.CharField(
        _("terms"),
        max_length=12,
        choices=EmploymentTerms.choices,
        default=EmploymentTerms.PERMANENT,
        help_text=_("A permanent post, or a fixed-term one (a replacement, a project)."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0),
                name="employment_fte_above_zero",
                violation_error_message=_("An FTE rate is above zero."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="employment_ends_after_start",
                violation_error_message=_("A rate ends on or after its start."),
            ),
            models.UniqueConstraint(
                fields=["staff_member", "institution", "position", "subject", "start_date"],
                name="employment_unique_natural_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} — {self.position} {self.fte} ({self.institution})"


class VacancyStatus(models.TextChoices):
    DECLARED = "declared", _("declared")
    PUBLISHED = "published", _("published")
    FILLED = "filled", _("filled")
    WITHDRAWN = "withdrawn", _("withdrawn")


class VacancyQuerySet(ScopedQuerySet):
    def open_on(self, day: date) -> VacancyQuerySet:
        """Vacancies declared by `day` and neither filled nor withdrawn by then."""
        return self.filter(declared_on__lte=day).filter(
            Q(filled_on__isnull=True) | Q(filled_on__gt=day), Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )

    def public_on(self, day: date) -> VacancyQuerySet:
        """What the public page shows: published by `day` and still open."""
        return self.open_on(day).filter(published_on__isnull=False, published_on__lte=day)


class Vacancy(TimeStampedModel):
    """An open position; its life cycle is declared → published → filled, or withdrawn, each step dated."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="vacancies"
    )
    position = models.ForeignKey(PositionKind, verbose_name=_("position"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    fte = models.DecimalField(
        _("FTE rate"),
        max_digits=FTE_DIGITS,
        decimal_places=FTE_PLACES,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Shown on the public vacancies page."))
    declared_on = models.DateField(_("declared on"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    filled_on = models.DateField(_("filled on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["institution__sort_name", "position__name", "subject"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0),
                name="vacancy_fte_above_zero",
                violation_error_message=_("A vacancy's FTE rate is above zero."),
            ),
            models.CheckConstraint(
                condition=Q(filled_on__isnull=True)
                | (Q(published_on__isnull=False) & Q(filled_on__gte=models.F("published_on"))),
                name="vacancy_filled_after_published",
                violation_error_message=_("A vacancy is filled on or after the day it was published."),
            ),
        ]

    def __str__(self) -> str:
        subject = f" ({self.subject})" if self.subject else ""
        return f"{self.position}{subject}, {self.fte} — {self.institution}"

    @property
    def status(self) -> str:
        """The step reached (whatever its date)."""
        if self.withdrawn_on:
            return VacancyStatus.WITHDRAWN
        if self.filled_on:
            return VacancyStatus.FILLED
        if self.published_on:
            return VacancyStatus.PUBLISHED
        return VacancyStatus.DECLARED

    def get_status_display(self) -> str:
        return str(VacancyStatus(self.status).label)

    def get_absolute_url(self) -> str:
        return reverse("people:vacancy_edit", args=[self.pk])


class TrainingAppliesTo(models.TextChoices):
    PEDAGOGICAL = "pedagogical", _("pedagogical staff")
    ALL = "all", _("all staff")
    POSITIONS = "positions", _("the positions named")


class TrainingRequirement(models.Model):
    """Mandatory training (e.g. child-rights protection knowledge): hours, renewal period, who must have it."""

    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    hours = models.PositiveIntegerField(_("hours"))
    renewal_months = models.PositiveIntegerField(
        _("renewal period (months)"), null=True, blank=True, help_text=_("Empty when once is enough.")
    )
    applies_to = models.CharField(
        _("applies to"), max_length=12, choices=TrainingAppliesTo.choices, default=TrainingAppliesTo.PEDAGOGICAL
    )
    positions = models.ManyToManyField(PositionKind, verbose_name=_("positions"), blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(TimeStampedModel):
    """A training a staff member completed."""

    staff_member = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="training_records"
    )
    requirement = models.ForeignKey(
        TrainingRequirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="records"
    )
    completed_on = models.DateField(_("completed on"))
    hours = models.PositiveIntegerField(_("hours"))
    document = models.CharField(_("certificate"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = StaffLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.requirement} — {self.completed_on}"

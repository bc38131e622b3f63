"""Projects (projekti): Erasmus+, EU-fund and other projects of the board and its institutions, with their partners,
budget (grant, the city's share, co-financing), planned tranches and payments received, the city's prefinancing,
mobilities, deadlines and documents. Money is a Decimal in euros with 2 places."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope
from eduboard.core.translated import TranslatedText, text_in, translations_of
from eduboard.finance.models import FundingSource
from eduboard.people.models import StaffMember
from eduboard.projects.choices import CityRole, Direction, DocumentKind, Flow, MobilityStatus, ProjectStatus
from eduboard.registry.models import Institution, Learner

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class ProjectProgramme(TranslatedText):
    """A funding programme (Erasmus+ KA2, ESF, Nordplus, …) with a stable code; the board adds programmes as data.
    Its name is kept in three languages (core.translated)."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Used in import files."))
    name = models.CharField(_("name"), max_length=160)
    name_en, name_ru = translations_of(_("name"), max_length=160)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        ordering = ["pk"]


class ProjectQuerySet(models.QuerySet["Project"]):
    """Projects an institution takes part in are its institution's; the board sees every project (also those of
    the board itself, which name no institution)."""

    def visible_to(self, viewer: Viewer) -> ProjectQuerySet:
        scope = institution_scope(viewer)
        if scope is None:
            return self
        taking_part = Project.institutions.through.objects.filter(institution_id__in=scope).values("project_id")
        return self.filter(pk__in=taking_part)

    def editable_by(self, viewer: Viewer) -> ProjectQuerySet:
        return self.visible_to(viewer)

    def taking_part(self, institution: Institution) -> ProjectQuerySet:
        """Projects `institution` takes part in."""
        through = Project.institutions.through.objects.filter(institution=institution).values("project_id")
        return self.filter(pk__in=through)


class Project(TimeStampedModel):
    """A project with its reference number (kept exactly as the programme writes it), programme, the city's role,
    partners, dates, status and budget."""

    reference = models.CharField(
        _("reference number"),
        max_length=60,
        unique=True,
        help_text=_("As the programme writes it, e.g. 2019-1-TR01-KA201-076605."),
    )
    title = models.CharField(_("title (Latvian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    programme = models.ForeignKey(
        ProjectProgramme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="projects"
    )
    action = models.CharField(_("action"), max_length=120, blank=True, help_text=_("e.g. KA201, KA220-VET, VETPRO."))
    role = models.CharField(_("role of the city"), max_length=12, choices=CityRole.choices)
    coordinator = models.CharField(_("coordinator organisation"), max_length=200, blank=True)
    coordinator_country = CountryField(_("coordinator's country"), blank=True)
    institutions = models.ManyToManyField(
        Institution, verbose_name=_("participating institutions"), blank=True, related_name="projects"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    aims = models.TextField(_("aims"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    results = models.TextField(_("results"), blank=True)
    publicity = models.TextField(_("publicity"), blank=True)
    grant = models.DecimalField(_("total grant (EUR)"), **MONEY)
    city_share = models.DecimalField(
        _("the city's share (EUR)"),
        help_text=_("What the city receives of the grant; the whole grant where the city coordinates alone."),
        **MONEY,
    )
    co_financing = models.DecimalField(_("co-financing (EUR)"), default=0, **MONEY)
    funding_source = models.ForeignKey(
        FundingSource,
        verbose_name=_("funding source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("The finance funding source of the project: its expenditures are the project's."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="projects_end_after_start",
                violation_error_message=_("A project ends on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(city_share__lte=F("grant")),
                name="projects_city_share_within_grant",
                violation_error_message=_("The city's share cannot exceed the total grant."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {text_in(self, 'title')}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])


class ProjectChildQuerySet(models.QuerySet[Any]):
    """Rows of a project: visible to whoever sees the project."""

    def visible_to(self, viewer: Viewer) -> Any:
        if institution_scope(viewer) is None:
            return self
        return self.filter(project__in=Project.objects.visible_to(viewer).values("pk"))

    def editable_by(self, viewer: Viewer) -> Any:
        return self.visible_to(viewer)


class Partner(TimeStampedModel):
    """A partner organisation of a project, with its country (ISO 3166 alpha-2) and role."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    organisation = models.CharField(_("organisation"), max_length=200)
    country = CountryField(_("country"))
    role = models.CharField(_("role"), max_length=12, choices=CityRole.choices, default=CityRole.PARTNER)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="projects_partner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.country})"


class Tranche(TimeStampedModel):
    """A planned payment of the grant to the city: a share in % and/or an amount, due on a date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    due_on = models.DateField(_("due date"))
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["project", "due_on"]
        constraints = [models.UniqueConstraint(fields=["project", "due_on"], name="projects_tranche_once_a_day")]

    def __str__(self) -> str:
        return f"{date_format(self.due_on, 'SHORT_DATE_FORMAT')}: {self.amount}"


class Payment(TimeStampedModel):
    """Money of the grant received by the city on a date (for a tranche, when known)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments")
    tranche = models.ForeignKey(
        Tranche, verbose_name=_("tranche"), on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")
        ordering = ["project", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="projects_payment_positive",
                violation_error_message=_("A payment is more than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_on}: {self.amount}"


class Prefinancing(TimeStampedModel):
    """Money the municipality advanced to a project (priekšfinansējums), to be returned after the final report."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="prefinancing")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    return_planned_on = models.DateField(_("return planned on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    returned_amount = models.DecimalField(_("returned (EUR)"), default=0, **MONEY)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("prefinancing")
        verbose_name_plural = _("prefinancing")
        ordering = ["project", "paid_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_amount__lte=F("amount")),
                name="projects_prefinancing_returned_within_paid",
                violation_error_message=_("More cannot be returned than the city paid."),
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("paid_on")),
                name="projects_prefinancing_returned_after_paid",
                violation_error_message=_("Prefinancing is returned on or after the day it was paid."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on}: {self.amount}"


class Mobility(TimeStampedModel):
    """A mobility of a project (brauciens): who travels where and when, how many people, what for."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="mobilities")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    from_date = models.DateField(_("from"))
    to_date = models.DateField(_("to"))
    host_city = models.CharField(_("host city"), max_length=120)
    host_country = CountryField(_("host country"))
    participants = models.PositiveIntegerField(
        _("participants"),
        validators=[MinValueValidator(1)],
        help_text=_("How many people take part (also when not everyone is named)."),
    )
    flow = models.CharField(_("flow"), max_length=20, choices=Flow.choices)
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MobilityStatus.choices, default=MobilityStatus.PLANNED
    )
    staff = models.ManyToManyField(StaffMember, verbose_name=_("staff members"), blank=True, related_name="+")
    learners = models.ManyToManyField(Learner, verbose_name=_("learners"), blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("mobility")
        verbose_name_plural = _("mobilities")
        ordering = ["project", "from_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "direction", "from_date", "host_city"], name="projects_mobility_once"
            ),
            models.CheckConstraint(
                condition=Q(to_date__gte=F("from_date")),
                name="projects_mobility_to_after_from",
                violation_error_message=_("A mobility ends on or after its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host_city} {self.from_date}"


class Deadline(TimeStampedModel):
    """A deadline of a project (an interim or final report, a submission), done when it is met."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deadlines")
    title = models.CharField(_("what is due"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} {date_format(self.due_on, 'SHORT_DATE_FORMAT')}"


class ProjectDocument(models.Model):
    """A document kept with a project: the grant agreement, reports, …"""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="projects/%Y/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title

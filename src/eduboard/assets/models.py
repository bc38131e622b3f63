"""Assets (inventārs): devices and equipment of the institutions, their status history, loans to learners and staff
(RUMIS), licences, rooms and stock-takes. Money is a Decimal in euros."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eduboard.assets.choices import AssetStatus, ReturnCondition, RoomKind
from eduboard.core.models import TimeStampedModel
from eduboard.core.periods import InForceQuerySetMixin, Period
from eduboard.core.scope import ReferenceQuerySet
from eduboard.core.translated import TranslatedText, translations_of
from eduboard.finance.models import FundingSource
from eduboard.people.models import StaffMember
from eduboard.projects.models import Project
from eduboard.registry.models import Institution, Learner, ScopedQuerySet


class AssetKind(TranslatedText):
    """A kind of asset (Chromebook, interactive screen, …) with a stable code; the board adds kinds as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Used in import files."))
    name = models.CharField(_("name"), max_length=120)
    name_en, name_ru = translations_of(_("name"), max_length=120)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset kind")
        verbose_name_plural = _("asset kinds")
        ordering = ["pk"]


class Asset(TimeStampedModel):
    """A device or piece of equipment with an inventory number unique across the board, held by an institution."""

    inventory_number = models.CharField(_("inventory number"), max_length=40, unique=True)
    kind = models.ForeignKey(AssetKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="assets")
    model = models.CharField(_("model"), max_length=120, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="assets"
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, null=True, blank=True
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
        help_text=_("The project that paid for the device, if any."),
    )
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)
    price = models.DecimalField(
        _("price (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(_("status"), max_length=16, choices=AssetStatus.choices, default=AssetStatus.IN_STOCK)
    #: The day the current status began (the last entry of its history), so figures as of a later day read the
    #: status from the asset and only earlier days read the history.
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["inventory_number"]
        indexes = [
            # Every column the figures read (assets_stats): they are counted from the index alone.
            models.Index(
                fields=["institution", "kind", "status", "funding_source", "acquired_on", "status_since", "price"],
                name="asset_figures",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inventory_number} {self.kind}"

    def get_absolute_url(self) -> str:
        return reverse("assets:asset_detail", args=[self.pk])


class AssetStatusChange(models.Model):
    """A change of an asset's status on a date (its history), with who recorded it."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=16, choices=AssetStatus.choices)
    changed_on = models.DateField(_("changed on"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["asset", "changed_on", "pk"]
        indexes = [models.Index(fields=["asset", "changed_on"], name="asset_status_on")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.status} {self.changed_on}"


#: A loan holds from the day it is lent until the day it is returned (the first day the asset is back).
LOAN_PERIOD = Period("lent_on", "returned_on", end_is_last_day=False)
#: A software licence is in force from its first day to its last (`valid_to`, none: open).
SOFTWARE_LICENCE_PERIOD = Period("valid_from", "valid_to", end_is_last_day=True)


class LoanQuerySet(InForceQuerySetMixin, ScopedQuerySet):
    institution_path = "asset__institution"
    period = LOAN_PERIOD

    def open_on(self, day: date) -> LoanQuerySet:
        """Loans lent on or before `day` and not returned by then: `in_force_on`."""
        return cast(LoanQuerySet, self.in_force_on(day))


class Loan(TimeStampedModel):
    """An asset lent to a learner or a staff member (nodots lietošanā); open until it is returned."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.PROTECT, related_name="loans")
    learner = models.ForeignKey(
        Learner, verbose_name=_("learner"), on_delete=models.PROTECT, null=True, blank=True, related_name="loans"
    )
    staff_member = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
    )
    lent_on = models.DateField(_("lent on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    condition = models.CharField(_("condition on return"), max_length=10, choices=ReturnCondition.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-lent_on", "pk"]
        constraints = [
            # A device is never on two open loans at once: the database refuses the second.
            models.UniqueConstraint(
                fields=["asset"],
                condition=Q(returned_on__isnull=True),
                name="assets_one_open_loan_per_asset",
                violation_error_message=_("This device is on an open loan already."),
            ),
            models.CheckConstraint(
                condition=(Q(learner__isnull=False) & Q(staff_member__isnull=True))
                | (Q(learner__isnull=True) & Q(staff_member__isnull=False)),
                name="assets_loan_one_borrower",
                violation_error_message=_("A loan is to one learner or one staff member."),
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("lent_on")),
                name="assets_loan_returned_after_lent",
                violation_error_message=_("A device is returned on or after the day it was lent."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("lent_on")),
                name="assets_loan_due_after_lent",
                violation_error_message=_("A loan is due on or after the day it is lent."),
            ),
        ]
        indexes = [
            models.Index(fields=["asset", "lent_on"], name="loan_asset_lent_on"),
            models.Index(fields=["returned_on", "due_on"], name="loan_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} → {self.learner_id or self.staff_member_id} ({self.lent_on})"

    @property
    def borrower(self) -> Learner | StaffMember | None:
        return self.learner or self.staff_member


class LicenceQuerySet(ScopedQuerySet):
    pass


class Licence(TimeStampedModel):
    """A software or learning-portal licence of an institution: seats in force between two dates."""

    product = models.CharField(_("product"), max_length=160)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="licences_held"
    )
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["product", "valid_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "institution", "valid_from"], name="assets_licence_product_institution_from"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="assets_licence_valid_to_after_from",
                violation_error_message=_("A licence ends on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.seats})"


class Room(TimeStampedModel):
    """A room of an institution (classroom, laboratory, workshop, …) with its places and computers."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=RoomKind.choices)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    computers = models.PositiveIntegerField(_("computers"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["institution", "name"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="assets_room_institution_name")]

    def __str__(self) -> str:
        return self.name


class Stocktake(TimeStampedModel):
    """A count of an institution's assets (inventarizācija): numbers scanned or typed until it is closed."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="stocktakes"
    )
    started_on = models.DateField(_("started on"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} {self.started_on}"

    def get_absolute_url(self) -> str:
        return reverse("assets:stocktake_detail", args=[self.pk])


class StocktakeScan(models.Model):
    """An inventory number scanned or typed in a stock-take (the asset, when the number is known)."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="scans")
    inventory_number = models.CharField(_("inventory number"), max_length=40)
    asset = models.ForeignKey(Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    scanned_at = models.DateTimeField(_("scanned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scanned number")
        verbose_name_plural = _("scanned numbers")
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "inventory_number"], name="assets_scan_once_per_stocktake")
        ]

    def __str__(self) -> str:
        return self.inventory_number

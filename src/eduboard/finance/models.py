"""Finance: funding sources, allocations and their spending, approved costs per learner, meal compensation
rules, and inter-municipal settlements. Money is a Decimal in euros, never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import TimeStampedModel
from eduboard.core.numbers import money
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope
from eduboard.core.translated import TranslatedText, translations_of
from eduboard.finance.choices import (
    CateringServes,
    CateringStatus,
    CostKind,
    DayOffScope,
    Direction,
    Purpose,
    SettlementLevel,
)
from eduboard.registry.board_data import BoardData, BoardDataQuerySet
from eduboard.registry.choices import ProgrammeLevel
from eduboard.registry.models import Institution, Learner, Municipality


class FundingSource(BoardData, TranslatedText):
    """A funding source (finansējuma avots): state budget, municipal budget, EU funds, Erasmus+, …; each board has
    the standard ones (`sources.STANDARD_SOURCES`) and adds its own."""

    code = models.SlugField(_("code"), max_length=40, help_text=_("Used in import files."))
    name = models.CharField(_("name"), max_length=120)
    name_en, name_ru = translations_of(_("name"), max_length=120)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["board", "code"], name="funding_source_unique_board_code")]


class InstitutionSet(BoardData, TranslatedText):
    """A named group of a board's institutions an allocation can be made to, e.g. “all preschools”; its name is kept
    in three languages (core.translated), the Latvian one is what import files use."""

    name = models.CharField(_("name"), max_length=120, help_text=_("Used in import files."))
    name_en, name_ru = translations_of(_("name"), max_length=120)
    members = models.ManyToManyField(Institution, verbose_name=_("institutions"), related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("group of institutions")
        verbose_name_plural = _("groups of institutions")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="institution_set_unique_board_name")]


class AllocationQuerySet(models.QuerySet["Allocation"]):
    def visible_to(self, viewer: Viewer) -> AllocationQuerySet:
        """Allocations to an institution in the viewer's scope, or to a group of institutions holding one."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(
            Q(institution__in=scope)
            | Q(pk__in=Allocation.objects.filter(institution_set__members__in=scope).values("pk"))
        )

    def editable_by(self, viewer: Viewer) -> AllocationQuerySet:
        """Allocations the viewer may change: those to one institution of the viewer's scope (an allocation to
        a group of institutions is the board's)."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(institution__in=scope)


class Allocation(TimeStampedModel):
    """Money given for a year by one source for one purpose to an institution or a group of institutions."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    institution_set = models.ForeignKey(
        InstitutionSet,
        verbose_name=_("group of institutions"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    source = models.ForeignKey(FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT)
    amount = models.DecimalField(
        _("amount allocated (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-year", "purpose", "source__pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(institution__isnull=False) & Q(institution_set__isnull=True))
                | (Q(institution__isnull=True) & Q(institution_set__isnull=False)),
                name="allocation_to_institution_or_set",
                violation_error_message=_(
                    "Choose either an institution or a group of institutions, not both and not neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="allocation_amount_not_negative",
                violation_error_message=_("An allocated amount is not negative."),
            ),
            models.UniqueConstraint(
                fields=["year", "institution", "purpose", "source"],
                condition=Q(institution__isnull=False),
                name="allocation_unique_for_institution",
                violation_error_message=_(
                    "This institution has an allocation for this year, purpose and source already."
                ),
            ),
            models.UniqueConstraint(
                fields=["year", "institution_set", "purpose", "source"],
                condition=Q(institution_set__isnull=False),
                name="allocation_unique_for_set",
                violation_error_message=_(
                    "This group of institutions has an allocation for this year, purpose and source already."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.recipient_name}: {self.get_purpose_display()}, {self.source} — {self.amount}"

    @property
    def recipient_name(self) -> str:
        """The institution's or the group's name."""
        if self.institution_id:
            return str(self.institution.short_name or self.institution.name)  # type: ignore[union-attr]
        return str(self.institution_set)

    def get_absolute_url(self) -> str:
        return reverse("finance:allocation_detail", args=[self.pk])


class ExpenditureQuerySet(models.QuerySet["Expenditure"]):
    def visible_to(self, viewer: Viewer) -> ExpenditureQuerySet:
        """Spending of the allocations the viewer may see."""
        if institution_scope(viewer) is None:
            return self
        return self.filter(allocation__in=Allocation.objects.visible_to(viewer).values("pk"))

    def editable_by(self, viewer: Viewer) -> ExpenditureQuerySet:
        """Spending of the allocations the viewer may change."""
        if institution_scope(viewer) is None:
            return self
        return self.filter(allocation__in=Allocation.objects.editable_by(viewer).values("pk"))


class Expenditure(TimeStampedModel):
    """Money spent from an allocation (izlietojums): date, amount, accounting document, description."""

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="expenditures"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    document = models.CharField(_("document number"), max_length=60)
    description = models.CharField(_("description"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ExpenditureQuerySet.as_manager()

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="expenditure_amount_above_zero",
                violation_error_message=_("An expenditure is above zero."),
            ),
            models.UniqueConstraint(fields=["allocation", "document", "date"], name="expenditure_unique_document"),
        ]
        indexes = [models.Index(fields=["allocation", "date"])]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'SHORT_DATE_FORMAT')} {self.document}: {self.amount}"


class CostRate(BoardData):
    """A board's approved cost of one learner per month for a year and a programme kind (seed 002: 300.18, …): what
    it charges another municipality for that municipality's learners in its institutions."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("programme kind"), max_length=20, choices=CostKind.choices)
    monthly_cost = models.DecimalField(
        _("approved cost per learner per month (EUR)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("approved cost per learner")
        verbose_name_plural = _("approved costs per learner")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["board", "year", "kind"], name="cost_rate_unique_board_year_kind")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}: {self.monthly_cost}"


CATERING_CONTRACT_MAX_YEARS = 10


class CateringContract(BoardData, TimeStampedModel):
    """The catering contracts of one procurement: whose meals, how long, for how much, planned or concluded
    (seed 002: the preschools' contracts planned for 3 years and EUR 14,480,941; the general schools' concluded
    for 5 years)."""

    serves = models.CharField(_("meals of"), max_length=20, choices=CateringServes.choices)
    status = models.CharField(_("status"), max_length=12, choices=CateringStatus.choices)
    decided_on = models.DateField(
        _("applied for or concluded on"),
        help_text=_("The day the procurement was applied for, or the contracts signed."),
    )
    years = models.PositiveSmallIntegerField(
        _("term (years)"), validators=[MinValueValidator(1), MaxValueValidator(CATERING_CONTRACT_MAX_YEARS)]
    )
    total_amount = models.DecimalField(
        _("total amount (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Empty when the contracts do not state one total."),
    )
    procedure = models.CharField(_("procedure"), max_length=200, blank=True, help_text=_("e.g. an open competition"))
    procedure_en, procedure_ru = translations_of(_("procedure"), max_length=200)
    note = models.CharField(_("note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("catering contract")
        verbose_name_plural = _("catering contracts")
        ordering = ["-decided_on", "serves"]
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=CATERING_CONTRACT_MAX_YEARS),
                name="catering_contract_years_1_10",
                violation_error_message=_("A catering contract runs for 1 to 10 years."),
            ),
            models.CheckConstraint(
                condition=Q(total_amount__isnull=True) | Q(total_amount__gte=0),
                name="catering_contract_amount_not_negative",
                violation_error_message=_("A contract's total amount is not negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_serves_display()} {self.decided_on} ({self.get_status_display()})"


yearly_until_validator = RegexValidator(
    r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", _("Write the day as MM-DD, e.g. 05-31.")
)


class MealRule(BoardData, TimeStampedModel, TranslatedText):
    """Who gets meals compensated, in which period, at what price a day and who pays which share; its name is kept
    in three languages (core.translated).

    Every condition left empty or false does not narrow the rule. On a day, a learner gets the first
    rule (by rank) that fits, so one learner is never compensated twice for one day. A rule is its board's: it pays
    for the learners of that board's institutions.
    """

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_en, name_ru = translations_of(_("name"), max_length=200)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=100, help_text=_("When several rules fit a learner on a day, the lowest rank applies.")
    )
    level = models.CharField(
        _("level"), max_length=16, choices=ProgrammeLevel.choices, blank=True, help_text=_("Empty: every level.")
    )
    grade_from = models.PositiveSmallIntegerField(
        _("from grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    grade_to = models.PositiveSmallIntegerField(
        _("to grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    preparatory_year = models.BooleanField(
        _("only the preparatory preschool year"),
        default=False,
        help_text=_("Children in a preschool group who start school next September."),
    )
    special_needs = models.BooleanField(_("only special-needs programmes"), default=False)
    large_family = models.BooleanField(_("only 3+ family card holders"), default=False)
    ukrainian_civilian = models.BooleanField(_("only Ukrainian civilians"), default=False)
    social_assistance = models.BooleanField(
        _("only learners granted meals as social assistance"),
        default=False,
        help_text=_(
            "Learners whose meals the social service grants (the learner's “meals covered as social assistance”)."
        ),
    )
    declared_in_city = models.BooleanField(_("only learners declared in the city"), default=False)
    requires_contract = models.BooleanField(_("only with a meal contract"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: until changed."))
    yearly_until = models.CharField(
        _("each school year until"),
        max_length=5,
        blank=True,
        validators=[yearly_until_validator],
        help_text=_("MM-DD, e.g. 05-31: no compensation from the next day to 31 August."),
    )
    price_per_day = models.DecimalField(_("compensated per day (EUR)"), max_digits=8, decimal_places=3)
    state_per_day = models.DecimalField(
        _("paid by the state per day (EUR)"), max_digits=8, decimal_places=3, validators=[MinValueValidator(Decimal(0))]
    )
    municipal_per_day = models.DecimalField(
        _("paid by the municipality per day (EUR)"),
        max_digits=8,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0))],
    )
    grounds = models.CharField(
        _("grounds"),
        max_length=300,
        blank=True,
        help_text=_(
            "What decides who gets the rule, as the report's sentence ends: “Izglītojamie, kuru ēdināšanas izdevumi "
            "tiek segti 100 % apmērā, tiek noteikti ar …”, e.g. “pašvaldības saistošajiem noteikumiem par sociālās "
            "palīdzības un brīvprātīgo iniciatīvu pabalstiem”. Empty: the report writes no sentence for the rule."
        ),
    )
    grounds_en, grounds_ru = translations_of(_("grounds"), max_length=300)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("meal compensation rule")
        verbose_name_plural = _("meal compensation rules")
        ordering = ["rank", "code"]
        constraints = [
            models.UniqueConstraint(fields=["board", "code"], name="meal_rule_unique_board_code"),
            models.CheckConstraint(
                condition=Q(price_per_day=models.F("state_per_day") + models.F("municipal_per_day")),
                name="meal_rule_shares_add_up",
                violation_error_message=_("The price of a day is the state's share plus the municipality's."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="meal_rule_ends_after_start",
                violation_error_message=_("A rule ends on or after its start."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("finance:meal_rule_edit", args=[self.pk])


class MealContract(models.Model):
    """A meal contract of a learner's legal representative with the caterer (needed for some rules)."""

    learner = models.ForeignKey(
        Learner, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="meal_contracts"
    )
    signed_on = models.DateField(_("valid from"))
    ended_on = models.DateField(_("valid until"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("meal contract")
        verbose_name_plural = _("meal contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("signed_on")),
                name="meal_contract_ends_after_start",
                violation_error_message=_("A contract ends on or after its start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner}: {self.signed_on}–{self.ended_on or ''}"


class DayOff(models.Model):
    """Days without school meals: public holidays, school holidays (both days included)."""

    name = models.CharField(_("name"), max_length=120)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    applies_to = models.CharField(_("applies to"), max_length=12, choices=DayOffScope.choices, default=DayOffScope.ALL)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("day without meals")
        verbose_name_plural = _("days without meals")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="day_off_end_after_start",
                violation_error_message=_("The last day off is on or after the first."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start}–{self.end})"


SETTLEMENT_MAX_LEARNERS = 100_000
SETTLEMENT_MAX_MONTHLY_COST = Decimal("100000.00")


class SettlementLine(BoardData, TimeStampedModel):
    """One line of an inter-municipal settlement: learners of one level, the months they were counted,
    and the cost per learner per month. Incoming lines are receivable, outgoing ones are due."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    level = models.CharField(_("level"), max_length=10, choices=SettlementLevel.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    # Bounds that fit the columns and their product: learners × months × monthly cost stays within the amount's
    # 14 digits (at most 100,000 × 12 × 100,000.00).
    learners = models.PositiveIntegerField(
        _("learners"), validators=[MinValueValidator(1), MaxValueValidator(SETTLEMENT_MAX_LEARNERS)]
    )
    months = models.PositiveSmallIntegerField(
        _("months"), validators=[MinValueValidator(1), MaxValueValidator(12)], help_text=_("Months each was counted.")
    )
    monthly_cost = models.DecimalField(
        _("cost per learner per month (EUR)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(SETTLEMENT_MAX_MONTHLY_COST)],
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        ordering = ["municipality__name", "direction", "level", "period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="settlement_period",
                violation_error_message=_("A settlement period ends on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(learners__gte=1),
                name="settlement_learners_positive",
                violation_error_message=_("A settlement counts at least one learner."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.direction} {self.level}: {self.learners} × {self.months}"

    @property
    def amount(self) -> Decimal:
        """learners × months × cost per learner per month, in euros."""
        return money(self.learners * self.months * self.monthly_cost)


def months_spanned(start: date, end: date) -> int:
    """Calendar months from `start` to `end`, both included (January–August: 8)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1

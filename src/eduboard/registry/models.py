"""Registry tables: institutions, programmes, licences, groups, learners, enrolments, the preschool queue."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.declension import CASES, suggest_cases
from eduboard.core.latvian import LatvianKeyField, LatvianKeysMixin
from eduboard.core.models import SchoolYear, TimeStampedModel
from eduboard.core.periods import InForceQuerySetMixin
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope
from eduboard.core.translated import TranslatedText, translations_of
from eduboard.registry.board_data import BoardData, BoardDataQuerySet
from eduboard.registry.boards import Board
from eduboard.registry.choices import (
    Founder,
    GroupKind,
    InstitutionType,
    InstructionLanguage,
    InterestField,
    LeavingReason,
    MunicipalLicenceKind,
    ProgrammeLevel,
    QueueStatus,
    SpecialNeeds,
)
from eduboard.registry.rules import ENROLMENT_PERIOD, INSTITUTION_PERIOD
from eduboard.registry.validators import mask_personal_code, validate_personal_code, validate_registration_number


class ScopedQuerySet(models.QuerySet[Any]):
    """A queryset whose rows belong to institutions; `institution_path` names the way there."""

    institution_path = "institution"
    #: Its rule is the path alone: a row's figures are its institution's (core.figures_cache.institution_tables).
    #: A subclass that writes its own visible_to or editable_by is not taken at its path's word.
    scoped_by_path = True

    def visible_to(self, viewer: Viewer) -> Any:
        """Rows of institutions in the viewer's scope: all for the board, the assigned ones otherwise."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(**{f"{self.institution_path}__in": scope})

    def editable_by(self, viewer: Viewer) -> Any:
        """Rows the viewer may change or link to: those of the institutions in scope (as visible_to)."""
        return self.visible_to(viewer)


class InstitutionQuerySet(InForceQuerySetMixin, ScopedQuerySet):
    institution_path = "pk"
    period = INSTITUTION_PERIOD

    def active_on(self, day: date) -> InstitutionQuerySet:
        """Institutions active on `day`: opened on or before it (or with no opening day) and not closed by then
        (`closed_on` is the first day it no longer works): `in_force_on` (core.periods)."""
        return cast(InstitutionQuerySet, self.in_force_on(day))

    def active_now(self) -> InstitutionQuerySet:
        """Institutions active today (in Riga): the choices of forms and pickers that name a working institution."""
        return self.active_on(timezone.localdate())

    def closed_between(self, after: date, until: date) -> InstitutionQuerySet:
        """Institutions whose closing day is after `after` and on or before `until`."""
        return self.filter(closed_on__gt=after, closed_on__lte=until)

    def boards_own(self) -> InstitutionQuerySet:
        """The board's own institutions: founded by the board's municipality. State-founded institutions in the
        registry (a state technical school) are listed apart (`state_founded`) and never counted among them."""
        return self.filter(founder=Founder.MUNICIPALITY)

    def state_founded(self) -> InstitutionQuerySet:
        """Institutions in the registry founded by the state, not by the board's municipality."""
        return self.exclude(founder=Founder.MUNICIPALITY)


def institution_active_q(day: date, prefix: str = "") -> Q:
    """The rule of `InstitutionQuerySet.active_on` as a filter, on a related path (`prefix`, e.g. "institution__")."""
    return INSTITUTION_PERIOD.in_force_q(day, prefix=prefix)


class Municipality(LatvianKeysMixin, models.Model):
    """A municipality (pašvaldība) where learners declare their residence; one is the board's own."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_home = models.BooleanField(_("the board's own municipality"), default=False)
    sort_name = LatvianKeyField(sources=["name"])

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["sort_name"]

    def __str__(self) -> str:
        return self.name


class Institution(LatvianKeysMixin, TimeStampedModel):
    """An education institution (izglītības iestāde) under a board."""

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=InstitutionType.choices)
    board = models.ForeignKey(
        "registry.Board",
        verbose_name=_("board"),
        on_delete=models.PROTECT,
        related_name="institutions",
        help_text=_("The board (a municipality's education authority) the institution belongs to."),
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=10,
        unique=True,
        validators=[validate_registration_number],
        help_text=_("10 digits, as in the register of education institutions."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    founder = models.CharField(_("founder"), max_length=16, choices=Founder.choices, default=Founder.MUNICIPALITY)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    joined_to = models.ForeignKey(
        "self",
        verbose_name=_("joined to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joined_institutions",
        help_text=_("The institution that took over this one's rights and duties when it was closed."),
    )
    reorganisation_note = models.CharField(_("reorganisation decision"), max_length=255, blank=True)
    reorganisation_note_en, reorganisation_note_ru = translations_of(_("reorganisation decision"))
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("a unit of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_(
            "The institution this one is a structural unit of (e.g. the innovation centre, a unit of BJC “Jaunība”); "
            "it keeps its own figures."
        ),
    )
    # The name in the cases the reports' sentences need (core.declension), suggested from its regular endings when
    # left blank and kept as the board writes them.
    name_genitive = models.CharField(
        _("name in the genitive"),
        max_length=255,
        blank=True,
        help_text=_("Whose? (kā?) e.g. “Daugavpils Centra vidusskolas”. Left blank, it is suggested from the name."),
    )
    name_dative = models.CharField(
        _("name in the dative"),
        max_length=255,
        blank=True,
        help_text=_("To whom? (kam?) e.g. “Daugavpils Centra vidusskolai”. Left blank, it is suggested from the name."),
    )
    name_locative = models.CharField(
        _("name in the locative"),
        max_length=255,
        blank=True,
        help_text=_("Where? (kur?) e.g. “Daugavpils Centra vidusskolā”. Left blank, it is suggested from the name."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    search_name = LatvianKeyField(sources=["name", "short_name"], kind="search", max_length=340)
    sort_name = LatvianKeyField(sources=["name"])

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["sort_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_number__regex=r"^[0-9]{10}$"),
                name="institution_registration_number_10_digits",
                violation_error_message=_("A registration number has exactly 10 digits."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="institution_closes_after_opening",
                violation_error_message=_("An institution closes on or after the day it opens."),
            ),
            models.CheckConstraint(
                condition=~Q(part_of=models.F("pk")),
                name="institution_not_a_unit_of_itself",
                violation_error_message=_("An institution is not a unit of itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        parent = self.part_of
        if parent is None:
            return
        if parent.pk == self.pk:
            raise ValidationError({"part_of": _("An institution is not a unit of itself.")})
        if parent.part_of_id is not None:
            raise ValidationError({"part_of": _("%(name)s is a unit itself: choose the institution it is a unit of.")
                                   % {"name": parent.name}})  # fmt: skip
        if self.board_id is not None and parent.board_id != self.board_id:
            raise ValidationError({"part_of": _("A unit belongs to an institution of its own board.")})

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Institution:
        instance = super().from_db(db, field_names, values)
        instance._loaded_name = str(instance.__dict__.get("name") or "")
        return instance

    def fill_name_cases(self) -> None:
        """The name's cases suggested where blank, and again where the name changed and a case still held the old
        name's suggestion (a form the board wrote itself stays)."""
        previous = getattr(self, "_loaded_name", None)
        old = suggest_cases(previous) if previous and previous != self.name else None
        new = suggest_cases(self.name)
        for case in CASES:
            field = f"name_{case}"
            current = getattr(self, field)
            if not current or (old is not None and current == getattr(old, case)):
                setattr(self, field, getattr(new, case))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_name_cases()
        if self.board_id is None:  # a deployment of one board: its institutions are that board's
            single = Board.objects.for_new_institution()
            if single is None:
                raise ValueError("Name the institution's board: this deployment has several.")
            self.board = single
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, *(f"name_{case}" for case in CASES)}
        super().save(*args, **kwargs)
        self._loaded_name = self.name

    def name_in(self, case: str) -> str:
        """The name in `case` (genitive, dative or locative) as kept, or suggested when not kept yet."""
        return str(getattr(self, f"name_{case}") or getattr(suggest_cases(self.name), case))

    def get_absolute_url(self) -> str:
        return reverse("registry:institution_detail", args=[self.pk])

    @property
    def is_boards_own(self) -> bool:
        """Whether the board's municipality founded it (`InstitutionQuerySet.boards_own`)."""
        return self.founder == Founder.MUNICIPALITY

    def is_active_on(self, day: date) -> bool:
        """Whether the institution is active on `day` (`InstitutionQuerySet.active_on`, for one row in memory)."""
        return (self.opened_on is None or self.opened_on <= day) and (self.closed_on is None or self.closed_on > day)


class Programme(LatvianKeysMixin, TimeStampedModel):
    """An education programme (izglītības programma) with its 8-digit classification code."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=16, choices=ProgrammeLevel.choices)
    special_needs = models.CharField(
        _("special-needs category"), max_length=24, choices=SpecialNeeds.choices, default=SpecialNeeds.NONE
    )
    language = models.CharField(
        _("language of instruction"),
        max_length=8,
        choices=InstructionLanguage.choices,
        default=InstructionLanguage.LATVIAN,
    )
    stem = models.BooleanField(
        _("STEM"),
        default=False,
        help_text=_("Interest education: a programme of science, technology, engineering or maths."),
    )
    field = models.CharField(
        _("field"), max_length=16, choices=InterestField.choices, blank=True, help_text=_("Interest education only.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    sort_name = LatvianKeyField(sources=["name"])

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_special(self) -> bool:
        return self.special_needs != SpecialNeeds.NONE


class Licence(TimeStampedModel):
    """A licence to run a programme at an institution."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="licences"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="licences"
    )
    number = models.CharField(_("licence number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["institution__sort_name", "programme__code"]
        constraints = [models.UniqueConstraint(fields=["institution", "programme"], name="licence_unique_programme")]

    def __str__(self) -> str:
        return f"{self.institution} — {self.programme.code}"


class Club(TimeStampedModel):
    """A neighbourhood leisure club (apkaimes brīvā laika klubs) of an interest-education institution: a place of
    its own in the city where its interest groups meet (seed 002: BJC “Jaunība” runs six)."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="clubs"
    )
    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=255, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        ordering = ["institution", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="club_unique_name"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="club_closes_after_opening",
                violation_error_message=_("A club closes on or after the day it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MunicipalLicenceQuerySet(ScopedQuerySet):
    """Licences the municipality issued: the board's register; a head reads their institution's."""

    institution_path = "provider"


class MunicipalLicence(TimeStampedModel):
    """The municipality's licence of an interest or adult non-formal education programme (at most 160 hours), for a
    provider: an institution of the registry or another (a private) provider named in text."""

    number = models.CharField(_("licence number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=MunicipalLicenceKind.choices)
    programme_name = models.CharField(_("programme"), max_length=255)
    hours = models.PositiveSmallIntegerField(
        _("hours"), validators=[MinValueValidator(1), MaxValueValidator(160)], help_text=_("At most 160 hours.")
    )
    field = models.CharField(_("field"), max_length=16, choices=InterestField.choices, blank=True)
    provider = models.ForeignKey(
        Institution,
        verbose_name=_("provider in the registry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipal_licences",
    )
    provider_name = models.CharField(_("provider"), max_length=255)
    provider_registration_number = models.CharField(_("provider's registration number"), max_length=20, blank=True)
    decision = models.CharField(
        _("decision"), max_length=120, blank=True, help_text=_("e.g. the commission's protocol")
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: without a term."))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MunicipalLicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipal licence")
        verbose_name_plural = _("municipal licences")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=1, hours__lte=160),
                name="municipal_licence_hours_1_160",
                violation_error_message=_("A municipal licence covers a programme of 1 to 160 hours."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                name="municipal_licence_valid_after_issue",
                violation_error_message=_("A licence is valid until a day on or after it was issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.programme_name}"

    def is_valid_on(self, day: date) -> bool:
        return self.issued_on <= day and (self.valid_until is None or self.valid_until >= day)


class Group(LatvianKeysMixin, TimeStampedModel):
    """A preschool group, class, course or interest group (grupa / klase / kurss / pulciņš) of one school year."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="groups"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=80)
    grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    age_band = models.CharField(_("age band"), max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=4, choices=GroupKind.choices, default=GroupKind.DAY)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Places in the group; empty where no limit is set.")
    )
    qualification = models.CharField(
        _("qualification"),
        max_length=160,
        blank=True,
        help_text=_("Vocational groups: the qualification (speciality) its learners study for."),
    )
    leader = models.ForeignKey(
        "people.StaffMember",
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_groups",
        help_text=_("Interest groups (pulciņi): the teacher who leads the group."),
    )
    club = models.ForeignKey(
        "Club",
        verbose_name=_("club"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        help_text=_("Interest groups: the neighbourhood club where the group meets."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    sort_name = LatvianKeyField(sources=["name"])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["institution__sort_name", "grade", "sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "school_year", "name"], name="group_unique_name_per_year"),
            models.CheckConstraint(
                condition=Q(grade__isnull=True) | Q(grade__gte=1, grade__lte=12),
                name="group_grade_1_12",
                violation_error_message=_("A grade is from 1 to 12."),
            ),
        ]
        indexes = [models.Index(fields=["school_year", "institution"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_year})"

    def get_absolute_url(self) -> str:
        return reverse("registry:group_detail", args=[self.pk])


class LearnerQuerySet(models.QuerySet["Learner"]):
    #: A new learner counts in no figure until an enrolment or an application names them: adding one renews the
    #: cached figures of its writer's institutions only (core.figures_writes); changing one renews every board's.
    new_rows_placed = True

    def visible_to(self, viewer: Viewer) -> LearnerQuerySet:
        """Learners enrolled (ever) in an institution of the viewer's scope, or whose preschool application
        names one of them as its first choice; all for the board."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(
            pk__in=Enrolment.objects.filter(group__institution__in=scope).values("learner_id")
        ) | self.filter(pk__in=QueueEntry.objects.filter(first_choice__in=scope).values("child_id"))

    def editable_by(self, viewer: Viewer) -> LearnerQuerySet:
        """Learners the viewer may change or enrol: visible ones not enrolled now (no leaving date) in an
        institution outside the viewer's scope, and records that belong to no institution yet (never enrolled nor
        queued: made through the API, to be enrolled or queued next). A learner who moved on belongs to the new
        school; moving a learner between institutions is `registry.services.learner_transfer`. An open place in an
        interest group elsewhere does not count: a child's school keeps their record while they attend a club."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        if not scope:
            return self.none()
        # A place in another institution's interest group (a club) does not make the learner theirs.
        elsewhere = (
            Enrolment.objects.filter(left_on__isnull=True)
            .exclude(group__institution__in=scope)
            .exclude(group__programme__level=ProgrammeLevel.INTEREST)
        )
        unclaimed = self.exclude(pk__in=Enrolment.objects.values("learner_id")).exclude(
            pk__in=QueueEntry.objects.values("child_id")
        )
        return self.visible_to(viewer).exclude(pk__in=elsewhere.values("learner_id")) | unclaimed


class Learner(LatvianKeysMixin, TimeStampedModel):
    """A learner (izglītojamais): a child or student, identified by the personal code."""

    personal_code = models.CharField(
        _("personal code"), max_length=12, unique=True, validators=[validate_personal_code]
    )
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    birth_date = models.DateField(_("birth date"))
    declared_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("declared municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    large_family_card = models.BooleanField(_("3+ family card"), default=False)
    ukrainian_civilian = models.BooleanField(_("Ukrainian civilian status"), default=False)
    social_assistance = models.BooleanField(
        _("meals covered as social assistance"),
        default=False,
        help_text=_(
            "Granted by the municipality's social service under its binding regulations on social assistance: "
            "the meal rules for such learners apply."
        ),
    )
    anonymised_on = models.DateField(
        _("anonymised on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The day the retention rules removed the person from the record; the counts stay (docs/privacy.md)."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    search_name = LatvianKeyField(sources=["first_name", "last_name"], kind="search", max_length=170)
    sort_name = LatvianKeyField(sources=["last_name", "first_name"])

    objects = LearnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["sort_name"]
        permissions = [("reveal_personal_code", _("Can see full personal codes"))]
        # A plain index: a `db_index` on a CharField also gets a `varchar_pattern_ops` twin on PostgreSQL, which
        # no query of a sort key uses and every insert pays for (docs/performance.md).
        indexes = [models.Index(fields=["sort_name"], name="learner_sort_name_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.masked_code})"

    @property
    def masked_code(self) -> str:
        return mask_personal_code(self.personal_code)

    def get_absolute_url(self) -> str:
        return reverse("registry:learner_detail", args=[self.pk])


#: A learner's personal data: what a correction is traced for (`registry.services.learner_save`), what the correction
#: page edits and what a subject-access answer shows of the learner's record (privacy.catalogue).
LEARNER_PERSONAL_FIELDS = (
    "personal_code",
    "first_name",
    "last_name",
    "birth_date",
    "declared_municipality",
    "large_family_card",
    "ukrainian_civilian",
    "social_assistance",
)


class CorrectionVia(models.TextChoices):
    """Where a correction of a learner's personal data came from."""

    PAGE = "page", _("the learner's page")
    API = "api", _("the API")
    IMPORT = "import", _("an import file")


class LearnerCorrectionQuerySet(ScopedQuerySet):
    def visible_to(self, viewer: Viewer) -> LearnerCorrectionQuerySet:
        """The corrections of the learners the viewer sees."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(learner__in=Learner.objects.visible_to(viewer))

    def editable_by(self, viewer: Viewer) -> LearnerCorrectionQuerySet:
        """A correction is a trace: it is written by `registry.services.learner_correct`, never edited."""
        return self.none()


class LearnerCorrection(models.Model):
    """One field of a learner's personal data corrected (labošana, GDPR Art. 16): the old and the new value, who
    corrected it, why, and through what. Written only by `registry.services.learner_correct` (and an import's bulk
    write); listed in the learner's subject-access answer."""

    learner = models.ForeignKey(
        Learner, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(_("field"), max_length=40)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300)
    via = models.CharField(_("through"), max_length=8, choices=CorrectionVia.choices)
    at = models.DateTimeField(_("corrected at"), default=timezone.now)

    objects = LearnerCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("correction of personal data")
        verbose_name_plural = _("corrections of personal data")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.field}"


def enrolment_holding_q(day: date, *, school_year: SchoolYear | None = None, prefix: str = "") -> Q:
    """The dates of `EnrolmentQuerySet.holding_on` as a filter, on a related path (`prefix`, e.g. "enrolments__"),
    for a query whose groups are already those of `school_year` (from Group); `holding_on` adds the year's groups."""
    begun_by = day if school_year is None else max(day, school_year.start_date)
    return ENROLMENT_PERIOD.in_force_q(day, prefix=prefix, started_by=begun_by)


def enrolment_overlapping_q(first: date, last: date, *, prefix: str = "") -> Q:
    """Enrolments holding on at least one day from `first` to `last` (both included): begun by `last` and not left
    by `first` (the rule of `holding_on`, over a period)."""
    return ENROLMENT_PERIOD.overlapping_q(first, last, prefix=prefix)


class EnrolmentQuerySet(InForceQuerySetMixin, ScopedQuerySet):
    institution_path = "group__institution"
    period = ENROLMENT_PERIOD

    def holding_on(self, day: date, *, school_year: SchoolYear | None = None) -> EnrolmentQuerySet:
        """Enrolments that hold on `day`: begun on or before it and not left by then (`left_on` is the first day the
        learner is no longer in the group).

        Pre-enrolment, decided here once: given the school year whose figures are read, only its groups count, and an
        enrolment that begins on or before the year's first day holds from any earlier day too, so that figures as of
        a summer day that describe the coming year count the learners already admitted to it."""
        holding = self.filter(enrolment_holding_q(day, school_year=school_year))
        return holding if school_year is None else holding.filter(group__school_year=school_year)

    def ended_between(self, first: date, last: date) -> EnrolmentQuerySet:
        """Enrolments the learner left from `first` to `last` (both included): `left_on` in that period."""
        return self.filter(left_on__gte=first, left_on__lte=last)

    def begun_by(self, day: date) -> EnrolmentQuerySet:
        """Enrolments begun on or before `day`, left since or not (a learner's places up to that day)."""
        return self.filter(enrolled_on__lte=day)

    def open_after(self, day: date) -> EnrolmentQuerySet:
        """Enrolments not left by `day`, whenever they began: open, or left after it (a place the learner has or
        will have after that day)."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day))

    def open(self) -> EnrolmentQuerySet:
        """Enrolments with no leaving day recorded (the learner's current places, whatever the date)."""
        return self.filter(left_on__isnull=True)

    def begun_before_birth(self) -> EnrolmentQuerySet:
        """Enrolments that begin before their learner's birth date (wrong data: `check_data`)."""
        return self.filter(enrolled_on__lt=models.F("learner__birth_date"))

    def left_before_begun(self) -> EnrolmentQuerySet:
        """Enrolments whose leaving day comes before their first day (wrong data: the database refuses them)."""
        return self.filter(left_on__lt=models.F("enrolled_on"))


class Enrolment(TimeStampedModel):
    """A learner's place in a group from one date to another (uzņemšana / atskaitīšana)."""

    # No index of their own: the unique (learner, group) constraint leads with the learner and the
    # (group, enrolled_on) index with the group, so each serves the lookups by that column too.
    learner = models.ForeignKey(
        Learner, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="enrolments", db_index=False
    )
    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.PROTECT, related_name="enrolments", db_index=False
    )
    enrolled_on = models.DateField(_("enrolled on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leaving_reason = models.CharField(
        _("reason for leaving"),
        max_length=20,
        choices=LeavingReason.choices,
        blank=True,
        help_text=_(
            "Given with the leaving day; when none is given the system infers one (another institution within 30 "
            "days: transferred; the last grade left in summer: completed; else unknown)."
        ),
    )
    leaving_reason_inferred = models.BooleanField(
        _("reason inferred"), default=False, help_text=_("The reason was inferred by the system, not given.")
    )
    leaving_note = models.CharField(_("note on leaving"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_on"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "group"], name="enrolment_unique_learner_group"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("enrolled_on")),
                name="enrolment_leaves_after_enrolling",
                violation_error_message=_("A learner leaves on or after the day of enrolling."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=False) | Q(leaving_reason=""),
                name="enrolment_reason_only_when_left",
                violation_error_message=_("A reason for leaving is given only with the day of leaving."),
            ),
        ]
        indexes = [models.Index(fields=["group", "enrolled_on"])]

    def __str__(self) -> str:
        return f"{self.learner} — {self.group}"


class ResidentsElsewhere(BoardData):
    """Learners declared in the board's municipality who learn in another municipality, as that municipality
    reported them (a municipality whose board is on the deployment is counted from the enrolments instead)."""

    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=16, choices=ProgrammeLevel.choices)
    learners = models.PositiveIntegerField(_("learners"))

    objects = BoardDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("residents learning elsewhere")
        verbose_name_plural = _("residents learning elsewhere")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "school_year", "municipality", "level"], name="residents_elsewhere_board_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.level}: {self.learners}"


class PriorityGround(TranslatedText):
    """A ground for priority in the preschool queue; a lower rank comes first."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=160)
    name_en, name_ru = translations_of(_("name"), max_length=160)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 comes first."))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("priority ground")
        verbose_name_plural = _("priority grounds")
        ordering = ["rank", "code"]


class QueueEntryQuerySet(ScopedQuerySet):
    """The queue's one scope rule: an entry is read by the institutions it names as first or second choice, and
    each of them may offer the child a place in its own preschool groups (`offerable_by`); it is changed and
    withdrawn only by the first choice's institution (`editable_by`); an offered place is accepted by the first
    choice's institution or by the institution whose group was offered (`acceptable_by`). The board does all."""

    institution_path = "first_choice"

    def visible_to(self, viewer: Viewer) -> QueueEntryQuerySet:
        """Entries naming an institution of the viewer's scope as first or second choice."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(Q(first_choice__in=scope) | Q(second_choice__in=scope))

    def editable_by(self, viewer: Viewer) -> QueueEntryQuerySet:
        """Entries whose first choice is an institution of the viewer's scope."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(first_choice__in=scope)

    def offerable_by(self, viewer: Viewer) -> QueueEntryQuerySet:
        """Entries the viewer may offer a place in a group of their own: those naming an institution of the
        viewer's scope as first or second choice (the entries they read)."""
        return self.visible_to(viewer)

    def acceptable_by(self, viewer: Viewer) -> QueueEntryQuerySet:
        """Entries whose offered place the viewer may record as accepted: those whose first choice, or whose
        offered group's institution, is an institution of the viewer's scope."""
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(Q(first_choice__in=scope) | Q(offered_group__institution__in=scope))


class QueueEntry(TimeStampedModel):
    """A child's application for a preschool place (rindas pieteikums)."""

    child = models.ForeignKey(Learner, verbose_name=_("child"), on_delete=models.CASCADE, related_name="queue_entries")
    registered_on = models.DateField(_("registered on"))
    wanted_start_on = models.DateField(_("wanted start"))
    first_choice = models.ForeignKey(
        Institution, verbose_name=_("first choice"), on_delete=models.PROTECT, related_name="queue_first_choices"
    )
    second_choice = models.ForeignKey(
        Institution,
        verbose_name=_("second choice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="queue_second_choices",
    )
    grounds = models.ManyToManyField(PriorityGround, verbose_name=_("priority grounds"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=QueueStatus.choices, default=QueueStatus.WAITING)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    offered_group = models.ForeignKey(
        Group,
        verbose_name=_("offered group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="queue_offers",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = QueueEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("queue entry")
        verbose_name_plural = _("queue entries")
        ordering = ["registered_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(second_choice__isnull=True) | ~Q(second_choice=models.F("first_choice")),
                name="queue_two_different_choices",
                violation_error_message=_("The second choice is another institution than the first."),
            ),
            # One accepted place per child: the database refuses a second one.
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status="accepted"),
                name="queue_one_accepted_place_per_child",
                violation_error_message=_("This child has accepted a place already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} → {self.first_choice}"

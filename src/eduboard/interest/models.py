"""Interest education's own table: the participation of the city's creative collectives in a festival (seed 002:
"XIII Latvijas Skolu jaunatnes dziesmu un deju svētkiem gatavojas 60 radošie kolektīvi no 11 izglītības iestādēm un
Daugavpils Vienības nama, 1350 dalībnieki"). Clubs, licences and interest groups are the registry's tables."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eduboard.core.models import TimeStampedModel
from eduboard.core.translated import translations_of
from eduboard.registry.models import Institution, ScopedQuerySet


class CollectiveKind(models.TextChoices):
    """A kind of creative collective (radošais kolektīvs); the codes are what files use."""

    DANCE_GROUP = "dance_group", _("dance group")
    MIXED_CHOIR = "mixed_choir", _("mixed choir")
    SCHOOL_CHOIR = "school_choir", _("basic or secondary school choir")
    GIRLS_CHOIR = "girls_choir", _("girls' choir")
    WIND_ORCHESTRA = "wind_orchestra", _("wind orchestra")
    VOCAL_ENSEMBLE = "vocal_ensemble", _("vocal ensemble")
    FOLK_GROUP = "folk_group", _("folk group")
    OTHER = "other", _("other collective")


class FestivalParticipationQuerySet(ScopedQuerySet):
    """An institution's rows are read and written by whoever holds the institution in scope; a row of another body
    (no institution) is the board's."""

    institution_path = "institution"


class FestivalParticipation(TimeStampedModel):
    """How many collectives of one kind an institution (or another body, named) sends to a festival, and how many
    participants they have."""

    festival = models.CharField(
        _("festival"), max_length=200, help_text=_("e.g. XIII Latvijas Skolu jaunatnes dziesmu un deju svētki")
    )
    # The festival's name in English and Russian, for the reports in those languages (core.translated).
    festival_en, festival_ru = translations_of(_("festival"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)], help_text=_("The festival's year.")
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="festival_participations",
    )
    body = models.CharField(
        _("other body"),
        max_length=200,
        blank=True,
        help_text=_("The name of a body that is not an institution of the registry, e.g. Daugavpils Vienības nams."),
    )
    body_is_institution = models.BooleanField(
        _("the other body is an education institution"),
        default=False,
        help_text=_(
            "An education institution outside the registry, e.g. a state music school: the report counts it among "
            "the institutions the collectives come from, not among the other bodies."
        ),
    )
    kind = models.CharField(_("kind of collective"), max_length=16, choices=CollectiveKind.choices)
    collectives = models.PositiveIntegerField(_("collectives"), validators=[MinValueValidator(1)])
    participants = models.PositiveIntegerField(_("participants"))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = FestivalParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("festival participation")
        verbose_name_plural = _("festival participations")
        ordering = ["-year", "festival", "institution__sort_name", "body", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(institution__isnull=False) & Q(body="")) | (Q(institution__isnull=True) & ~Q(body="")),
                name="festival_participation_institution_or_body",
                violation_error_message=_("Choose an institution, or name another body, not both."),
            ),
            models.CheckConstraint(
                condition=Q(body_is_institution=False) | Q(institution__isnull=True),
                name="festival_participation_registry_institution_not_flagged",
                violation_error_message=_("Only another body can be marked as an education institution."),
            ),
            models.CheckConstraint(
                condition=Q(collectives__gte=1),
                name="festival_participation_collectives_at_least_one",
                violation_error_message=_("A row counts at least one collective."),
            ),
            models.UniqueConstraint(
                fields=["festival", "year", "institution", "kind"],
                condition=Q(institution__isnull=False),
                name="festival_participation_unique_institution",
                violation_error_message=_("This institution has a row of this kind for the festival already."),
            ),
            models.UniqueConstraint(
                fields=["festival", "year", "body", "kind"],
                condition=Q(institution__isnull=True),
                name="festival_participation_unique_body",
                violation_error_message=_("This body has a row of this kind for the festival already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.festival} {self.year} — {self.participant_name}: {self.get_kind_display()} {self.collectives}"

    @property
    def participant_name(self) -> str:
        """The institution's name, or the other body's."""
        return self.institution.name if self.institution_id is not None and self.institution else self.body

"""The innovation centre (Inovāciju centrs, seed 000): its modules and age bands, the activity catalogue, bookable
slots and the schools' bookings of them, visits, visitor cards and the points collected on them.

Rows belong to the centre (an institution of the registry): its staff (the `centre_staff` role) see and change
their centre's; the board sees all. A school outside the city is named in text (and its municipality), since
visitors come from the whole region."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from eduboard.core.latvian import LatvianKeyField, LatvianKeysMixin
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope
from eduboard.innovation.choices import (
    CONFIRM_GROUP_OVER,
    DURATION_MAX,
    DURATION_MIN,
    ActivityKind,
    BookingStatus,
    VisitKind,
)
from eduboard.people.models import StaffMember
from eduboard.registry.models import Institution, ScopedQuerySet


class Module(models.Model):
    """One of the centre's four content modules (stable code)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lv = models.CharField(_("name (Latvian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_lv

    def name(self, language: str | None) -> str:
        return str(getattr(self, f"name_{language}", "") or self.name_lv) if language else self.name_lv


class AgeBand(models.Model):
    """An age band of the centre's activities (3–7, 7–10, 10–15, 15–19, 19–25)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    youngest = models.PositiveSmallIntegerField(_("from age"))
    oldest = models.PositiveSmallIntegerField(_("to age"))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")
        ordering = ["youngest"]

    def __str__(self) -> str:
        return f"{self.youngest}–{self.oldest}"


class CentreQuerySet(ScopedQuerySet):
    institution_path = "centre"


class SlotQuerySet(ScopedQuerySet):
    institution_path = "activity__centre"


class BookingQuerySet(ScopedQuerySet):
    """The centre's bookings for its staff; a school's own bookings (made for a city school) are read by that
    school too, never changed by it."""

    institution_path = "slot__activity__centre"

    def visible_to(self, viewer: Viewer) -> Any:
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(Q(slot__activity__centre__in=scope) | Q(school__in=scope))

    def editable_by(self, viewer: Viewer) -> Any:
        return super().visible_to(viewer)


class WaitingQuerySet(ScopedQuerySet):
    institution_path = "slot__activity__centre"


class Activity(TimeStampedModel):
    """An activity of the catalogue: its kind, module, age bands, length, places, languages, price (none: free)
    and its title and description in three languages. Published ones are on the public pages."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Used in files and the API."))
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    module = models.ForeignKey(Module, verbose_name=_("module"), on_delete=models.PROTECT, related_name="activities")
    age_bands = models.ManyToManyField(AgeBand, verbose_name=_("age bands"), related_name="activities")
    duration_min = models.PositiveSmallIntegerField(
        _("duration, minutes"), validators=[MinValueValidator(DURATION_MIN), MaxValueValidator(DURATION_MAX)]
    )
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    confirm_group_over = models.PositiveSmallIntegerField(
        _("groups confirmed at once up to"),
        default=CONFIRM_GROUP_OVER,
        validators=[MinValueValidator(1)],
        help_text=_("A larger group booked on the public page waits for the centre's confirmation."),
    )
    languages = models.CharField(_("languages"), max_length=12, help_text=_("lv, ru, en, separated by ; (e.g. lv;ru)"))
    equipment = models.TextField(_("equipment"), blank=True)
    price = models.DecimalField(
        _("price, EUR"), max_digits=8, decimal_places=2, null=True, blank=True, help_text=_("Empty: free.")
    )
    title_lv = models.CharField(_("title (Latvian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    description_lv = models.TextField(_("description (Latvian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    photo = models.FileField(_("photo"), upload_to="innovation/activities/", blank=True)
    published = models.BooleanField(_("published"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["module__position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_min__gte=DURATION_MIN, duration_min__lte=DURATION_MAX),
                name="innovation_activity_duration",
                violation_error_message=_("An activity lasts from 30 to 240 minutes."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="innovation_activity_places",
                violation_error_message=_("An activity has at least one place."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title_lv}"

    def title(self, language: str | None) -> str:
        return str(getattr(self, f"title_{language}", "") or self.title_lv) if language else self.title_lv

    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(";") if code]


class Slot(TimeStampedModel):
    """A bookable time of an activity: date, start and end, room and places. `booked` counts the places held by
    bookings; the database refuses more than `places` (a check constraint), and a booking takes its places with
    one conditional update, so concurrent bookings never exceed the capacity."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    room = models.CharField(_("room"), max_length=80, blank=True)
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    booked = models.PositiveSmallIntegerField(_("places booked"), default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["date", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "date", "start"],
                name="innovation_slot_unique",
                violation_error_message=_("The activity has a slot at this time already."),
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("places")),
                name="innovation_slot_capacity",
                violation_error_message=_("A slot cannot hold more than its places."),
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="innovation_slot_ends_after_start",
                violation_error_message=_("A slot ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} {date_format(self.date, 'SHORT_DATE_FORMAT')} {self.start:%H:%M}"

    @property
    def free(self) -> int:
        return max(self.places - self.booked, 0)


class Booking(TimeStampedModel):
    """A school's booking of a slot: the group (size, grade or age, language, special needs) and the teacher's
    contact. `token` makes the teacher's personal link to view or cancel it. A school of the city is linked;
    one from outside is named, with its municipality."""

    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school_name = models.CharField(_("school"), max_length=200)
    municipality = models.CharField(_("municipality"), max_length=120)
    contact_name = models.CharField(_("teacher"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30)
    group_size = models.PositiveSmallIntegerField(_("group size"), validators=[MinValueValidator(1)])
    grade = models.CharField(_("grade or age"), max_length=20)
    language = models.CharField(_("language"), max_length=2)
    special_needs = models.TextField(_("special needs"), blank=True)
    token = models.CharField(max_length=40, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["slot__date", "slot__start", "pk"]

    def __str__(self) -> str:
        return f"{self.slot}: {self.school_name} ({self.group_size})"


class WaitingListEntry(TimeStampedModel):
    """A school waiting for places in a full slot (told by e-mail when places free up)."""

    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="waiting")
    school_name = models.CharField(_("school"), max_length=200)
    municipality = models.CharField(_("municipality"), max_length=120)
    contact_name = models.CharField(_("teacher"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    group_size = models.PositiveSmallIntegerField(_("group size"), validators=[MinValueValidator(1)])

    objects = WaitingQuerySet.as_manager()

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.slot}: {self.school_name}"


class VisitQuerySet(ScopedQuerySet):
    institution_path = "centre"


class Visit(TimeStampedModel):
    """A visit that took place: a booking that came, walk-in visitors or an event. Counted in the figures."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices, default=VisitKind.BOOKED)
    booking = models.OneToOneField(
        Booking, verbose_name=_("booking"), on_delete=models.SET_NULL, null=True, blank=True, related_name="visit"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    date = models.DateField(_("date"))
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school_name = models.CharField(_("school"), max_length=200, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    grade = models.CharField(_("grades"), max_length=20, blank=True)
    learners = models.PositiveIntegerField(_("learners"), default=0)
    teachers = models.PositiveIntegerField(_("teachers"), default=0)
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    age_band = models.ForeignKey(
        AgeBand, verbose_name=_("age band"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    led_by = models.ManyToManyField(StaffMember, verbose_name=_("led by"), blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'SHORT_DATE_FORMAT')} {self.school_name or self.get_kind_display()}"


class Card(TimeStampedModel):
    """A visitor card (number and QR): given to a visitor or a class; it names no one. The number is random with a
    check digit (10 digits, Luhn; cards issued before had 6 sequential digits and keep them); the secret code
    printed on the card is kept only as a salted hash, and the public page shows the card's points only with it."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=12, unique=True)
    code_hash = models.CharField(max_length=128, blank=True, editable=False)

    #: The plain secret code, on a card just issued only (to print it once); never stored.
    code: str = ""
    school_name = models.CharField(_("school"), max_length=200, blank=True)
    class_label = models.CharField(_("class"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"))

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visitor card")
        verbose_name_plural = _("visitor cards")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class PointEntryQuerySet(ScopedQuerySet):
    institution_path = "card__centre"


class PointEntry(models.Model):
    """Points for a task done at an exhibit, recorded on a card."""

    card = models.ForeignKey(Card, verbose_name=_("card"), on_delete=models.CASCADE, related_name="points")
    task = models.CharField(_("task"), max_length=120)
    points = models.PositiveSmallIntegerField(_("points"), validators=[MinValueValidator(1), MaxValueValidator(1000)])
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("points")
        verbose_name_plural = _("points")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.card_id}: {self.points}"


class Prize(models.Model):
    """A prize a card earns at a number of points (thresholds as data)."""

    points = models.PositiveIntegerField(_("points"), unique=True)
    name_lv = models.CharField(_("name (Latvian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["points"]

    def __str__(self) -> str:
        return f"{self.points}: {self.name_lv}"


class EventKind(models.TextChoices):
    MEETING = "meeting", _("meeting")
    CONFERENCE = "conference", _("conference")
    DEADLINE = "deadline", _("deadline")
    CELEBRATION = "celebration", _("celebration")
    INSPECTION = "inspection", _("inspection")
    COMPETITION = "competition", _("competition")
    COURSE = "course", _("course")
    OTHER = "other", _("other")


class EventQuerySet(ScopedQuerySet):
    """Every signed-in user reads the shared calendar; a role changes the events its institutions organise (the
    board: all, also the board's own, which have no organiser institution)."""

    def visible_to(self, viewer: Viewer) -> Any:
        if viewer is None:
            raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
        if getattr(viewer, "is_authenticated", True):
            return self
        return self.filter(public=True)

    def editable_by(self, viewer: Viewer) -> Any:
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(organiser__in=scope)


class Event(TimeStampedModel):
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    all_day = models.BooleanField(_("whole days"), default=True, help_text=_("Dates only, no time of day."))
    when_text = models.CharField(
        _("when, as written"), max_length=120, blank=True,
        help_text=_("Where the dates read better in words (e.g. “27.09., 25.10., 29.11.2024.”); the report shows it."),
    )  # fmt: skip
    place = models.CharField(_("place"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Institution, verbose_name=_("organiser"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Empty: the education board."),
    )  # fmt: skip
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.OTHER)
    public = models.BooleanField(_("public"), default=False, help_text=_("Shown in the public feeds."))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="events_event_ends_after_start",
                violation_error_message=_("An event ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{date_format(timezone.localtime(self.starts_at), 'SHORT_DATE_FORMAT')} {self.title}"


# --- robotics competitions (seed 000: Lego sumo, mini-sumo, line followers)


class DisciplineFormat(models.TextChoices):
    SUMO = "sumo", _("sumo (double elimination)")
    LINE_FOLLOWER = "line_follower", _("line follower (timed attempts)")


class Discipline(models.Model):
    """A competition discipline and its robot rules as data: the largest footprint and mass, the points that win a
    sumo match, the attempts and the time limit of a line-follower run."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    format = models.CharField(_("format"), max_length=16, choices=DisciplineFormat.choices)
    name_lv = models.CharField(_("name (Latvian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=120, blank=True)
    max_width_mm = models.PositiveIntegerField(_("largest width, mm"), null=True, blank=True)
    max_length_mm = models.PositiveIntegerField(_("largest length, mm"), null=True, blank=True)
    max_height_mm = models.PositiveIntegerField(_("largest height, mm"), null=True, blank=True)
    max_mass_g = models.PositiveIntegerField(_("largest mass, g"), null=True, blank=True)
    points_to_win = models.PositiveSmallIntegerField(
        _("Yuko points to win"), default=2, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    attempts = models.PositiveSmallIntegerField(
        _("attempts per team"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    run_limit_s = models.PositiveIntegerField(
        _("time limit of a run, s"), default=120, validators=[MinValueValidator(1), MaxValueValidator(3600)]
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_lv

    def name(self, language: str | None) -> str:
        return str(getattr(self, f"name_{language}", "") or self.name_lv) if language else self.name_lv


class Competition(TimeStampedModel):
    """A robotics competition of the centre: date, place, disciplines; teams register on its public page while
    registration is open, and its results are public once it is published."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("code"), max_length=60, unique=True, help_text=_("Used in files, the API and links."))
    title_lv = models.CharField(_("title (Latvian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("disciplines"), related_name="competitions")
    registration_open = models.BooleanField(_("registration open"), default=False)
    published = models.BooleanField(_("published"), default=False, help_text=_("Shown on the public pages."))
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-date", "code"]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'SHORT_DATE_FORMAT')} {self.title_lv}"

    def title(self, language: str | None) -> str:
        return str(getattr(self, f"title_{language}", "") or self.title_lv) if language else self.title_lv


class TeamQuerySet(ScopedQuerySet):
    """The centre's teams for its staff; a city school's head reads the teams of their school."""

    institution_path = "competition__centre"

    def visible_to(self, viewer: Viewer) -> Any:
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(Q(competition__centre__in=scope) | Q(school__in=scope))

    def editable_by(self, viewer: Viewer) -> Any:
        return super().visible_to(viewer)


class RobotCheck(models.TextChoices):
    PENDING = "pending", _("not checked")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")


class Team(TimeStampedModel):
    """A team registered for one discipline of a competition: its school, members (first names and ages: they are
    children, nothing more is asked), its robot and the coach's contact. The robot's measurements are taken at the
    check before the matches."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="teams"
    )
    discipline = models.ForeignKey(Discipline, verbose_name=_("discipline"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("team"), max_length=80)
    school = models.ForeignKey(
        Institution, verbose_name=_("school"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school_name = models.CharField(_("school"), max_length=200)
    members = models.JSONField(_("members"), default=list, help_text=_("[{name, age}]"))
    robot = models.CharField(_("robot"), max_length=80)
    coach_name = models.CharField(_("coach"), max_length=120, blank=True)
    coach_email = models.EmailField(_("coach's e-mail"))
    coach_phone = models.CharField(_("coach's phone"), max_length=30, blank=True)
    seed = models.PositiveSmallIntegerField(_("seed"), null=True, blank=True)
    mass_g = models.PositiveIntegerField(_("mass, g"), null=True, blank=True)
    width_mm = models.PositiveIntegerField(_("width, mm"), null=True, blank=True)
    length_mm = models.PositiveIntegerField(_("length, mm"), null=True, blank=True)
    height_mm = models.PositiveIntegerField(_("height, mm"), null=True, blank=True)
    robot_check = models.CharField(
        _("robot check"), max_length=8, choices=RobotCheck.choices, default=RobotCheck.PENDING
    )
    check_note = models.CharField(_("check note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["competition", "discipline__code", "seed", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "discipline", "name"],
                name="innovation_team_unique_name",
                violation_error_message=_("A team of this name is registered in this discipline already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_name})"


class Bracket(models.TextChoices):
    WINNERS = "W", _("winners' bracket")
    LOSERS = "L", _("losers' bracket")
    FINAL = "F", _("grand final")
    RESET = "R", _("grand final, second match")


class MatchQuerySet(ScopedQuerySet):
    institution_path = "competition__centre"


class Match(TimeStampedModel):
    """A sumo match of a double-elimination bracket. A match without `team_b` is a bye. The score is the Yuko points
    of each robot; a tie (equal points when the time runs out) is recorded in `history` and the match is fought
    again (`rematches`)."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="matches"
    )
    discipline = models.ForeignKey(Discipline, verbose_name=_("discipline"), on_delete=models.PROTECT, related_name="+")
    bracket = models.CharField(_("bracket"), max_length=1, choices=Bracket.choices)
    round = models.PositiveSmallIntegerField(_("round"))
    number = models.PositiveSmallIntegerField(_("match"))
    team_a = models.ForeignKey(Team, verbose_name=_("team A"), on_delete=models.CASCADE, related_name="+")
    team_b = models.ForeignKey(
        Team, verbose_name=_("team B"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    points_a = models.PositiveSmallIntegerField(_("points A"), null=True, blank=True)
    points_b = models.PositiveSmallIntegerField(_("points B"), null=True, blank=True)
    winner = models.ForeignKey(
        Team, verbose_name=_("winner"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rematches = models.PositiveSmallIntegerField(_("re-matches"), default=0)
    history = models.JSONField(_("earlier bouts"), default=list, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["competition", "discipline__code", "round", "bracket", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "discipline", "round", "bracket", "number"], name="innovation_match_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bracket}{self.round}.{self.number}"

    @property
    def loser_id(self) -> int | None:
        if self.winner_id is None or self.team_b_id is None:
            return None
        return self.team_b_id if self.winner_id == self.team_a_id else self.team_a_id


class AttemptQuerySet(ScopedQuerySet):
    institution_path = "team__competition__centre"


class Attempt(models.Model):
    """A timed line-follower run: the time in milliseconds, or none when the robot left the line or ran out of
    time (the run limit)."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt"), validators=[MinValueValidator(1)])
    time_ms = models.PositiveIntegerField(_("time, ms"), null=True, blank=True, help_text=_("Empty: did not finish."))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["team", "number"]
        constraints = [models.UniqueConstraint(fields=["team", "number"], name="innovation_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.team_id} #{self.number}"


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
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["participant", "session"], name="innovation_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.session_id}: {self.present}"


# --- teaching materials


class MaterialVisibility(models.TextChoices):
    PUBLIC = "public", _("public")
    TEACHERS = "teachers", _("teachers only (signed in)")


class MaterialQuerySet(ScopedQuerySet):
    """Every signed-in user reads the materials (teachers-only ones too); the public reads public ones. The
    centre's staff change their centre's."""

    def visible_to(self, viewer: Viewer) -> Any:
        if viewer is None:
            raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
        if getattr(viewer, "is_authenticated", True):
            return self
        return self.filter(visibility=MaterialVisibility.PUBLIC, current__isnull=False)

    def editable_by(self, viewer: Viewer) -> Any:
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(centre__in=scope)


class Material(LatvianKeysMixin, TimeStampedModel):
    """A teaching material the centre shares with schools: its metadata, who may see it, how often it was
    downloaded; the file is its newest version (`current`)."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    age_bands = models.ManyToManyField(AgeBand, verbose_name=_("age bands"), blank=True, related_name="+")
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=2, default="lv")
    licence = models.CharField(_("licence"), max_length=40, default="CC BY 4.0")
    author = models.CharField(_("author"), max_length=200)
    visibility = models.CharField(
        _("who may see it"), max_length=8, choices=MaterialVisibility.choices, default=MaterialVisibility.TEACHERS
    )
    downloads = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    current = models.ForeignKey(
        "MaterialVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    sort_title = LatvianKeyField(sources=["title"])

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("teaching material")
        verbose_name_plural = _("teaching materials")
        ordering = ["sort_title", "pk"]

    def __str__(self) -> str:
        return self.title


class MaterialVersionQuerySet(ScopedQuerySet):
    """A material's files follow the material's rule: read by whoever reads the material, changed by its centre."""

    institution_path = "material__centre"

    def visible_to(self, viewer: Viewer) -> Any:
        return self.filter(material__in=Material.objects.visible_to(viewer))


class MaterialVersion(models.Model):
    """One uploaded file of a material. The kind is what its content is (checked, never taken from the name)."""

    material = models.ForeignKey(Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="files")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="innovation/materials/")
    filename = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = MaterialVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="innovation_material_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.material_id} v{self.number}"

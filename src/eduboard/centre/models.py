"""The innovation centre (Inovāciju centrs, seed 000): its modules and age bands, the activity catalogue, bookable
slots and the schools' bookings of them, visits, visitor cards and the points collected on them.

Rows belong to the centre (an institution of the registry): its staff (the `centre_staff` role) see and change
their centre's; the board sees all. A school outside the city is named in text (and its municipality), since
visitors come from the whole region."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from eduboard.assets.models import Asset, Room
from eduboard.centre.choices import (
    CONFIRM_GROUP_OVER,
    DURATION_MAX,
    DURATION_MIN,
    ActivityKind,
    BookingStatus,
    PartnerKind,
    ProgrammeKind,
    VisitKind,
    VisitPlace,
)
from eduboard.centre.rules import visit_place_problem
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope
from eduboard.core.translated import TranslatedText, text_in
from eduboard.people.models import StaffMember
from eduboard.projects.models import Project
from eduboard.registry.models import Institution, ScopedQuerySet


class Module(TranslatedText):
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

    def name(self, language: str | None) -> str:
        return self.in_language(language)


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
        return f"{self.code}: {self.title(None)}"

    def title(self, language: str | None) -> str:
        return text_in(self, "title", language)

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
    space = models.ForeignKey(
        Room, verbose_name=_("room of the centre"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("One of the centre's rooms (assets area), booked by one slot at a time."),
    )  # fmt: skip
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
    one from outside is named, with its municipality. `confirmed_at_once`: the public page confirmed it without the
    centre (the page's share of a day counts these)."""

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
    confirmed_at_once = models.BooleanField(
        _("confirmed by the public page"),
        default=False,
        editable=False,
        help_text=_("Confirmed by the public page without the centre: counted in the page's share of its day."),
    )
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


class VisitorCounts(models.Model):
    """The people who came, counted by kind (`choices.VisitorKind`; their sum is `rules.visitors_of`): a visit's
    visitors and a programme event's participants."""

    learners = models.PositiveIntegerField(_("learners"), default=0)
    teachers = models.PositiveIntegerField(_("teachers"), default=0)
    parents = models.PositiveIntegerField(_("parents"), default=0)
    seniors = models.PositiveIntegerField(_("seniors"), default=0)
    other_adults = models.PositiveIntegerField(_("other adults"), default=0)
    children_under_school_age = models.PositiveIntegerField(_("children under school age"), default=0)

    class Meta:
        abstract = True


class VisitQuerySet(ScopedQuerySet):
    institution_path = "centre"


class Visit(VisitorCounts, TimeStampedModel):
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
    place = models.CharField(
        _("place"),
        max_length=8,
        choices=VisitPlace.choices,
        default=VisitPlace.CENTRE,
        help_text=_("At the centre, or outside it: a mobile lab or a travelling exhibition taken to a school."),
    )
    place_name = models.CharField(
        _("where outside"),
        max_length=200,
        blank=True,
        help_text=_("The school or the address the visit was taken to (an outside visit only)."),
    )
    equipment_taken = models.TextField(
        _("equipment taken"), blank=True, help_text=_("The module's equipment that went with an outside visit.")
    )
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
        constraints = [
            models.CheckConstraint(
                condition=Q(place=VisitPlace.CENTRE, place_name="") | (Q(place=VisitPlace.OUTSIDE) & ~Q(place_name="")),
                name="innovation_visit_place_named",
                violation_error_message=_("An outside visit names its place; a visit at the centre names none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'SHORT_DATE_FORMAT')} {self.school_name or self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        problem = visit_place_problem(place=self.place, place_name=self.place_name)
        if problem is not None:
            raise ValidationError({"place_name": problem})


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


# --- the centre's programme (issue 44): student companies and their fairs, camps, hackathons, conferences and
# seminars, and the partners the centre works with, linked to its projects.


class StudentCompany(TimeStampedModel):
    """A student company (skolēnu mācību uzņēmums, SMU) the centre mentors: its school, members and products. It
    counts while it runs: from the day it was founded until the day it closed (empty: still running)."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    school = models.ForeignKey(
        Institution, verbose_name=_("school in the registry"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Empty for a school outside the city: name it below."),
    )  # fmt: skip
    school_name = models.CharField(_("school"), max_length=200)
    members = models.PositiveSmallIntegerField(_("members"), validators=[MinValueValidator(1)])
    products = models.TextField(_("products or services"), blank=True)
    founded_on = models.DateField(_("founded on"))
    wound_up_on = models.DateField(_("closed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("student company")
        verbose_name_plural = _("student companies")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="innovation_company_name_once"),
            models.CheckConstraint(
                condition=Q(wound_up_on__isnull=True) | Q(wound_up_on__gte=F("founded_on")),
                name="innovation_company_closed_after_founded",
                violation_error_message=_("A company closes on or after the day it was founded."),
            ),
            models.CheckConstraint(
                condition=Q(members__gte=1),
                name="innovation_company_members",
                violation_error_message=_("A student company has at least one member."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school_name})"


class Fair(TimeStampedModel):
    """A student companies' fair (SMU gadatirgus) the centre holds or takes part in, and the companies that sold
    there."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    companies = models.ManyToManyField(
        StudentCompany, verbose_name=_("companies that took part"), blank=True, related_name="fairs"
    )
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("fair")
        verbose_name_plural = _("fairs")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'SHORT_DATE_FORMAT')} {self.title}"


class CentrePartner(TimeStampedModel):
    """An organisation the centre works with (seed 000, 2.6: Trondheim's science centre, Daugavpils University,
    the other innovation centres of Latvia, companies): its country, kind, what they do together, and the centre's
    projects it takes part in. A partnership counts from `since` to `until` (empty: open)."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("organisation"), max_length=200)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    cooperation = models.TextField(_("what they do together"))
    since = models.DateField(_("partner since"), null=True, blank=True)
    until = models.DateField(_("partner until"), null=True, blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects of the centre"), blank=True, related_name="centre_partners",
        help_text=_("Projects the centre takes part in (the projects area) that this partner shares."),
    )  # fmt: skip
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner of the centre")
        verbose_name_plural = _("partners of the centre")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="innovation_partner_name_once"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                name="innovation_partner_until_after_since",
                violation_error_message=_("A partnership ends on or after the day it began."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class ProgrammeEvent(VisitorCounts, TimeStampedModel):
    """A camp, hackathon, conference or seminar the centre holds, with its participants counted by kind (the
    visitor kinds of a visit: `rules.VISITOR_KINDS`) and the partners that took part."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=ProgrammeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Empty: at the centre."))
    partners = models.ManyToManyField(
        CentrePartner, verbose_name=_("partners that took part"), blank=True, related_name="events"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="innovation_programme_event_days",
                violation_error_message=_("The last day is on or after the first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{date_format(self.starts_on, 'SHORT_DATE_FORMAT')} {self.title}"


# --- the centre's equipment lent to visiting groups (issue 44, point 3)


class KitLoanQuerySet(ScopedQuerySet):
    institution_path = "centre"


class KitLoan(TimeStampedModel):
    """A kit or tablet of the centre (an asset of the assets area) lent to a visiting group, and its return. An
    asset is out with one group at a time (the database holds it: `innovation_kit_out_once`); while it is out its
    status in the assets area is `lent`."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    asset = models.ForeignKey(Asset, verbose_name=_("kit or device"), on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(
        Booking, verbose_name=_("booked group"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.CharField(_("group"), max_length=200, help_text=_("The school and class, or who took it."))
    lent_on = models.DateField(_("lent on"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = KitLoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kit lent to a group")
        verbose_name_plural = _("kits lent to groups")
        ordering = ["-lent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset"],
                condition=Q(returned_on__isnull=True),
                name="innovation_kit_out_once",
                violation_error_message=_("This kit is out with another group."),
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("lent_on")),
                name="innovation_kit_returned_after_lent",
                violation_error_message=_("A kit is returned on or after the day it was lent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} → {self.group}"

"""Robotics competitions of the innovation centre (seed 000: Lego sumo, mini sumo, line followers, Lego line
followers, self-built robots): disciplines, competitions, teams, matches and timed attempts, and the scoring at the
ring (score sheets held by one referee device at a time, two referees' entries, a bracket step undone).

Its tables keep the names they were made with in the `innovation` app (`innovation_competition`, …)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from eduboard.centre.models import CentreQuerySet
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import ReferenceQuerySet, Viewer, institution_scope
from eduboard.core.translated import text_in
from eduboard.registry.models import Institution, ScopedQuerySet

# --- robotics competitions (seed 000: Lego sumo, mini-sumo, line followers)


class DisciplineFormat(models.TextChoices):
    SUMO = "sumo", _("sumo (double elimination)")
    LINE_FOLLOWER = "line_follower", _("timed runs on a track (attempts)")


class RobotKind(models.TextChoices):
    """The robots a discipline allows."""

    ANY = "any", _("any robot")
    LEGO = "lego", _("Lego robots only")
    SELF_BUILT = "self_built", _("self-built robots only (no kit)")


class RobotBuild(models.TextChoices):
    """How a team's robot is built, as seen at the robot check."""

    LEGO = "lego", _("Lego")
    KIT = "kit", _("another kit")
    SELF_BUILT = "self_built", _("self-built")


class Discipline(models.Model):
    """A competition discipline and its rules as data: the kind of robot allowed, the largest footprint and mass,
    the points that win a sumo match, the attempts and the time limit of a timed run, and how far two timekeepers'
    times may differ and still agree."""

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
    robot_kind = models.CharField(_("robots allowed"), max_length=12, choices=RobotKind.choices, default=RobotKind.ANY)
    agreement_ms = models.PositiveIntegerField(
        _("timekeepers agree within, ms"),
        default=100,
        validators=[MaxValueValidator(10_000)],
        help_text=_("Two referees' times of a run that differ by no more than this are one result (their mean)."),
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        db_table = "innovation_discipline"
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name(None)

    def name(self, language: str | None) -> str:
        return text_in(self, "name", language)


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
    head_referee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head referee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Undoes a step of a bracket (with a reason) when a result was entered wrongly."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CentreQuerySet.as_manager()

    class Meta:
        db_table = "innovation_competition"
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-date", "code"]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'SHORT_DATE_FORMAT')} {self.title(None)}"

    def title(self, language: str | None) -> str:
        return text_in(self, "title", language)


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
    robot_build = models.CharField(_("robot built from"), max_length=12, choices=RobotBuild.choices, blank=True)
    robot_check = models.CharField(
        _("robot check"), max_length=8, choices=RobotCheck.choices, default=RobotCheck.PENDING
    )
    check_note = models.CharField(_("check note"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TeamQuerySet.as_manager()

    class Meta:
        db_table = "innovation_team"
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
        db_table = "innovation_match"
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
        db_table = "innovation_attempt"
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["team", "number"]
        constraints = [models.UniqueConstraint(fields=["team", "number"], name="innovation_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.team_id} #{self.number}"


# --- scoring at the ring


class ScoreSheetQuerySet(ScopedQuerySet):
    institution_path = "competition__centre"


class ScoreSheet(models.Model):
    """One result to be entered at the ring: a sumo match, or a team's attempt of a timed discipline. It is open on
    one referee device at a time (`holder`, `device`, `held_since`: a device that opens it while another holds it is
    told who does); two referees enter it and it is accepted (`accepted_at`) when their entries agree."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="sheets"
    )
    discipline = models.ForeignKey(Discipline, verbose_name=_("discipline"), on_delete=models.PROTECT, related_name="+")
    match = models.ForeignKey(
        Match, verbose_name=_("match"), on_delete=models.CASCADE, null=True, blank=True, related_name="sheets"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True, related_name="sheets"
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), null=True, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    device = models.CharField(_("device"), max_length=64, blank=True)
    held_since = models.DateTimeField(_("open since"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["competition", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["match"],
                condition=Q(match__isnull=False),
                name="competitions_sheet_one_per_match",
                violation_error_message=_("This match has a score sheet already."),
            ),
            models.UniqueConstraint(
                fields=["team", "attempt"],
                condition=Q(team__isnull=False),
                name="competitions_sheet_one_per_attempt",
                violation_error_message=_("This attempt has a score sheet already."),
            ),
            models.CheckConstraint(
                condition=(Q(match__isnull=False) & Q(team__isnull=True) & Q(attempt__isnull=True))
                | (Q(match__isnull=True) & Q(team__isnull=False) & Q(attempt__isnull=False)),
                name="competitions_sheet_match_or_attempt",
                violation_error_message=_("A score sheet is for a match or for a team's attempt."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.match) if self.match_id else f"{self.team} #{self.attempt}"


class RefereeEntryQuerySet(ScopedQuerySet):
    institution_path = "sheet__competition__centre"


class RefereeEntry(models.Model):
    """One referee's entry of a score sheet: the Yuko points of a sumo match, or a run's time (none: did not
    finish). A referee enters a sheet once (entering again corrects their own entry)."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="entries"
    )
    referee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referee"), on_delete=models.PROTECT, related_name="+"
    )
    device = models.CharField(_("device"), max_length=64, blank=True)
    points_a = models.PositiveSmallIntegerField(_("points A"), null=True, blank=True)
    points_b = models.PositiveSmallIntegerField(_("points B"), null=True, blank=True)
    time_ms = models.PositiveIntegerField(_("time, ms"), null=True, blank=True, help_text=_("Empty: did not finish."))
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    objects = RefereeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("referee's entry")
        verbose_name_plural = _("referees' entries")
        ordering = ["sheet", "entered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "referee"],
                name="competitions_entry_one_per_referee",
                violation_error_message=_("This referee has entered this sheet already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sheet} ({self.referee_id})"


class BracketUndoQuerySet(ScopedQuerySet):
    institution_path = "competition__centre"


class BracketUndo(models.Model):
    """A result taken back by the head referee: a step of a sumo bracket (`match`) or an accepted run of a timed
    discipline (`team`, `attempt`); why, by whom and when, and what was undone (the result, the referees' entries
    and, for a bracket step, the matches its result had drawn)."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="undos"
    )
    discipline = models.ForeignKey(Discipline, verbose_name=_("discipline"), on_delete=models.PROTECT, related_name="+")
    # A later undo may remove the match (its round is taken back): the record stays, naming it in `undone`.
    match = models.ForeignKey(
        Match, verbose_name=_("match"), on_delete=models.SET_NULL, null=True, blank=True, related_name="undos"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="undos"
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("undone by"), on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), default=timezone.now)
    undone = models.JSONField(_("what was undone"), default=dict)

    objects = BracketUndoQuerySet.as_manager()

    class Meta:
        verbose_name = _("result taken back")
        verbose_name_plural = _("results taken back")
        ordering = ["-undone_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.undone.get('match', self.match)} ({self.undone_at:%Y-%m-%d %H:%M})"

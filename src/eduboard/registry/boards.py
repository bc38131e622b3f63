"""Boards: the municipalities' education authorities that share one deployment (issue 41).

Every institution belongs to one board. A board's roles see and change only their board's institutions (the rule is
`accounts.User.institution_scope`); the board's names in each language and case, which the reports print, are the
board's data, set on its page by its administrator (the settings `BOARD_NAME`, `COUNCIL_NAME`, … are the defaults of
the first board). Programmes, subjects, national exam results and frameworks stay national.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from eduboard.core.declension import suggest_cases
from eduboard.core.scope import ReferenceQuerySet, Viewer, WholeCity
from eduboard.core.translated import TEXT_LANGUAGES, current_language

#: The names a report prints, and the setting that holds the first board's Latvian one (docs/operations.md).
NAME_SETTINGS = {
    "name": "BOARD_NAME",
    "name_genitive": "BOARD_NAME_GENITIVE",
    "council": "COUNCIL_NAME",
    "council_genitive": "COUNCIL_NAME_GENITIVE",
}
LANGUAGE_SUFFIXES = ("", "_en", "_ru")
#: The names a report may print (`Board.names`).
REPORT_NAMES = ("board", "board_genitive", "council", "council_genitive")


def default_fte_warning_limit() -> Decimal:
    """A new board's FTE warning limit: settings.FTE_WARNING_LIMIT (1.5)."""
    return Decimal(str(getattr(settings, "FTE_WARNING_LIMIT", "1.5")))


def default_training_expiry_warning_days() -> int:
    """A new board's warning days before a training expires: settings.TRAINING_EXPIRY_WARNING_DAYS (90)."""
    return int(getattr(settings, "TRAINING_EXPIRY_WARNING_DAYS", 90))


def default_self_assessment_due() -> str:
    """A new board's day self-assessments are due: settings.SELF_ASSESSMENT_DUE (month, day), 1 October."""
    month, day = getattr(settings, "SELF_ASSESSMENT_DUE", (10, 1))
    return f"{month:02d}-{day:02d}"


class BoardQuerySet(ReferenceQuerySet["Board"]):
    """Every signed-in user reads the list of boards (their names are public); each board's own page is its
    administrator's."""

    def editable_by(self, viewer: Viewer) -> BoardQuerySet:
        """The boards whose page the viewer may change: the boards it works for (`viewer_boards`; none for the
        ministry, which changes no board's data); whether its role may change them at all is the role's question."""
        mine = boards_changed_by(viewer)
        return self if mine is None else self.filter(pk__in=mine)

    def single(self) -> Board | None:
        """The deployment's only board, or None when there are several (or none)."""
        boards = list(self.order_by("pk")[:2])
        return boards[0] if len(boards) == 1 else None

    def for_new_institution(self) -> Board | None:
        """The board an institution saved without one joins: the only board, made from the settings when there is
        none yet (a one-city installation works as before boards); None when there are several."""
        if not self.exists():
            return first_board()
        return self.single()


class Board(models.Model):
    """A municipality's education authority (izglītības pārvalde) on this deployment."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9_-]*$", _("Lower-case letters, digits, - and _ only."))],
        help_text=_("A short code used in files, commands (--board) and addresses (?board=), e.g. “daugavpils”."),
    )
    municipality = models.OneToOneField(
        "registry.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="board",
        null=True,
        blank=True,
        help_text=_("The municipality whose education authority this is; its residents are the board's residents."),
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("E.g. “Daugavpils pilsētas Izglītības pārvalde”."))
    name_genitive = models.CharField(
        _("name (genitive)"), max_length=255, blank=True, help_text=_("Whose? (kā?) Left blank, it is suggested.")
    )
    council = models.CharField(_("council"), max_length=255, help_text=_("The council the board reports to."))
    council_genitive = models.CharField(
        _("council (genitive)"), max_length=255, blank=True, help_text=_("Whose? (kā?) Left blank, it is suggested.")
    )
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    name_genitive_en = models.CharField(_("name in English (possessive)"), max_length=255, blank=True)
    council_en = models.CharField(_("council in English"), max_length=255, blank=True)
    council_genitive_en = models.CharField(_("council in English (possessive)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=255, blank=True)
    name_genitive_ru = models.CharField(_("name in Russian (genitive)"), max_length=255, blank=True)
    council_ru = models.CharField(_("council in Russian"), max_length=255, blank=True)
    council_genitive_ru = models.CharField(_("council in Russian (genitive)"), max_length=255, blank=True)
    fte_warning_limit = models.DecimalField(
        _("FTE warning limit"),
        max_digits=4,
        decimal_places=2,
        default=default_fte_warning_limit,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("5"))],
        help_text=_("A person whose rates across institutions add up to more than this is warned about (e.g. 1.5)."),
    )
    training_expiry_warning_days = models.PositiveSmallIntegerField(
        _("days of warning before a training expires"),
        default=default_training_expiry_warning_days,
        validators=[MaxValueValidator(730)],
        help_text=_("A required training expiring within this many days is listed as expiring (e.g. 90)."),
    )
    self_assessment_due = models.CharField(
        _("self-assessments due on"),
        max_length=5,
        default=default_self_assessment_due,
        validators=[RegexValidator(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", _("Write the day as MM-DD."))],
        help_text=_("MM-DD after the school year ends, e.g. 10-01 for 1 October."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = BoardQuerySet.as_manager()

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["code"]

    def __str__(self) -> str:
        """The board's name in the reader's language (a proper name: the Latvian one when none is kept)."""
        return self.names(current_language())["board"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_genitives()
        super().save(*args, **kwargs)

    def fill_genitives(self) -> None:
        """A Latvian genitive left blank is suggested from the name's regular ending (core.declension)."""
        if self.name and not self.name_genitive:
            self.name_genitive = suggest_cases(self.name).genitive
        if self.council and not self.council_genitive:
            self.council_genitive = suggest_cases(self.council).genitive

    def self_assessment_due_on(self, school_year_end: date) -> date:
        """The day the self-assessment of a school year ending on `school_year_end` is due: `self_assessment_due`
        (MM-DD) in the year the school year ends (the month's last day for a day it does not have)."""
        month, day = (int(part) for part in self.self_assessment_due.split("-"))
        return date(school_year_end.year, month, min(day, monthrange(school_year_end.year, month)[1]))

    @property
    def council_name(self) -> str:
        """The council's name in the reader's language."""
        return self.names(current_language())["council"]

    def names(self, language: str) -> dict[str, str]:
        """The names a report prints in `language` (`lv`, `en`, `ru`): `board`, `board_genitive`, `council`,
        `council_genitive`. A genitive not set is the language's name; a language's name not set, the Latvian one."""
        suffix = "" if language == "lv" else f"_{language}"
        found = {}
        for field in NAME_SETTINGS:
            own = str(getattr(self, f"{field}{suffix}", "") or "")
            if not own and field.endswith("_genitive"):
                own = str(getattr(self, f"{field.removesuffix('_genitive')}{suffix}", "") or "")
            found[field] = own or str(getattr(self, field))
        return {
            "board": found["name"],
            "board_genitive": found["name_genitive"],
            "council": found["council"],
            "council_genitive": found["council_genitive"],
        }

    def names_in_languages(self) -> dict[str, dict[str, str]]:
        """Each of `names`' names in every language of TEXT_LANGUAGES: {"board": {"lv": …, "en": …, "ru": …}, …},
        for content written once and read in each language (a report's header)."""
        by_language = {code: self.names(code) for code in TEXT_LANGUAGES}
        return {key: {code: by_language[code][key] for code in TEXT_LANGUAGES} for key in REPORT_NAMES}


_Row = TypeVar("_Row")


def of_part(by_board: Mapping[int, Iterable[_Row]], part: Iterable[int]) -> list[_Row]:
    """The rows of the boards of `part` (each board once), from rows kept by board: how a figure computed for
    several parts at once (the ministry's comparison: each board, and the boards together) takes one part's rows
    of its one read of the deployment."""
    return [row for board in set(part) for row in by_board.get(board, ())]


def viewer_boards(viewer: Viewer) -> set[int] | None:
    """The one rule of which boards a viewer works for: the ids, or None for every board.

    The board a viewer is narrowed to (`--board`, `?board=`); every board for WHOLE_CITY and superusers, and for
    everyone on a deployment of one board (no query, the answer of `several_boards` is kept); otherwise the user's
    own (`User.board_ids`: a board role's boards, an institution role's institutions' boards, every board for the
    ministry); none for anonymous visitors."""
    if viewer is None:
        raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
    board_id = getattr(viewer, "board_id", None)
    if board_id is not None:
        return {board_id}
    if isinstance(viewer, WholeCity) or getattr(viewer, "is_superuser", False):
        return None
    board_ids = getattr(viewer, "board_ids", None)
    if not viewer.is_authenticated or not callable(board_ids):
        return set()
    return set(board_ids()) if several_boards() else None


def boards_changed_by(viewer: Viewer) -> set[int] | None:
    """The boards whose data the viewer may change (None: every board): the boards it works for
    (`viewer_boards`), none for the ministry, which changes no board's data."""
    if getattr(viewer, "is_national", False):
        return set()
    return viewer_boards(viewer)


def board_defaults() -> dict[str, str]:
    """The first board's names from the settings (BOARD_NAME, BOARD_NAME_EN, …): the defaults a deployment starts
    with, kept as the board's data from then on."""
    values = {}
    for field, setting in NAME_SETTINGS.items():
        for suffix in LANGUAGE_SUFFIXES:
            values[f"{field}{suffix}"] = str(getattr(settings, f"{setting}{suffix.upper()}", "") or "")
    return values


def first_board() -> Board:
    """The deployment's first board, from the settings' names (`board_defaults`), `BOARD_CODE` and the home
    municipality when it is known."""
    from eduboard.registry.models import Municipality

    home = Municipality.objects.filter(is_home=True).order_by("pk").first()
    code = str(getattr(settings, "BOARD_CODE", "") or "daugavpils")
    return Board.objects.create(code=code, municipality=home, **board_defaults())


def board_for(viewer: Viewer) -> Board:
    """The board a viewer's report is written for: the board it is narrowed to (`--board`, `?board=`), the only
    board it works for, or the deployment's first board; before any board exists, one made of the settings' names
    (not saved)."""
    board_id = getattr(viewer, "board_id", None)
    if board_id is None and not isinstance(viewer, WholeCity):
        board_ids = getattr(viewer, "board_ids", None)
        mine = board_ids() if callable(board_ids) else set()
        board_id = next(iter(mine)) if len(mine) == 1 else None
    found = Board.objects.filter(pk=board_id).first() if board_id else Board.objects.order_by("pk").first()
    return found or Board(code=str(getattr(settings, "BOARD_CODE", "") or "daugavpils"), **board_defaults())


def suggested_names(municipality: str) -> dict[str, str]:
    """A new board's Latvian names suggested from its municipality's (e.g. “Rēzeknes novads” → “Rēzeknes novada
    Izglītības pārvalde”), for `create_board` when no name is given; the board's administrator edits them."""
    genitive = suggest_cases(municipality).genitive or municipality
    return {"name": f"{genitive} Izglītības pārvalde", "council": f"{genitive} pašvaldības dome"}


def _several_key() -> str:
    return f"eduboard:several-boards:{connection.settings_dict['NAME']}"


#: How long the answer of `several_boards` is kept at most (it is renewed at once when a board changes).
SEVERAL_SECONDS = 300


def several_boards() -> bool:
    """Whether the deployment has more than one board: whether a board's role sees every institution (one board)
    or only its boards' (`accounts.User.institution_scope`). Asked on every request of a board's role, so kept in
    the cache, renewed when a board is added or deleted (a deletion answers "several", the safe answer, until it
    commits), so a change rolled back never leaves "one board" behind while there are several."""
    key = _several_key()
    found = cache.get(key)
    if found is None:
        found = Board.objects.count() > 1
        cache.set(key, found, SEVERAL_SECONDS)
    return bool(found)


@receiver(post_save, sender=Board, dispatch_uid="eduboard-board-saved")
def _board_saved(**_kwargs: Any) -> None:
    """A board added: counted at once (if the addition is rolled back there are fewer, never more)."""
    key = _several_key()
    cache.set(key, Board.objects.count() > 1, SEVERAL_SECONDS)
    transaction.on_commit(lambda: cache.delete(key))


@receiver(post_delete, sender=Board, dispatch_uid="eduboard-board-deleted")
def _board_deleted(**_kwargs: Any) -> None:
    """A board deleted: "several" until the deletion commits (a rollback brings the board back)."""
    key = _several_key()
    cache.set(key, True, SEVERAL_SECONDS)
    transaction.on_commit(lambda: cache.delete(key))


def board_by_code(code: str) -> Board:
    """The board with `code` (any case: codes are lower-case), or a ValidationError that names the code and the
    boards there are."""
    found = Board.objects.filter(code=code.strip().lower()).first()
    if found is None:
        known = ", ".join(Board.objects.values_list("code", flat=True)) or "—"
        raise ValidationError(
            _("There is no board with the code “%(code)s” (boards: %(known)s)."), params={"code": code, "known": known}
        )
    return found

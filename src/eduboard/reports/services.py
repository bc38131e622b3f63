"""Rules of report editions: start, write the narrative, publish (freeze), start again from a published one.

Every write is one transaction, checks the edition's version (optimistic locking: a stale edit is refused
with a message, never silently overwrites), and leaves an entry in the audit trail (auditlog).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from eduboard.core.dates import same_day_a_year_before
from eduboard.core.models import SchoolYear
from eduboard.core.scope import Viewer, WholeCity, sees_whole_city
from eduboard.core.versions import refuse_stale
from eduboard.registry.board_data import new_row_board
from eduboard.registry.board_scope import whole_board
from eduboard.registry.boards import Board
from eduboard.registry.selectors import reporting_school_year
from eduboard.reports.models import EditionStatus, ReportEdition, ReportKind
from eduboard.reports.readiness import DATE_AREAS, build_readiness

if TYPE_CHECKING:
    from eduboard.accounts.models import User

MAX_NARRATIVE = 20_000


def board_writes_reports(*, viewer: Viewer) -> bool:
    """The reports' one write rule: the board (a role that sees the whole city and may change editions)."""
    return sees_whole_city(viewer) and viewer.has_perm("reports.change_reportedition")


def _check_board(viewer: Viewer) -> User | None:
    """Refuse anyone but the board; the user to record as the author (None for WHOLE_CITY)."""
    if not board_writes_reports(viewer=viewer):
        raise ValidationError(_("Only the board writes its reports."), code="not_board")
    return None if isinstance(viewer, WholeCity) else cast("User", viewer)


def _locked(edition_id: int, version: int | None) -> ReportEdition:
    edition = ReportEdition.objects.select_for_update().get(pk=edition_id)
    refuse_stale(
        stored=edition.version,
        expected=version,
        message=_(
            "Someone else changed this edition meanwhile (now version %(now)s, you edited version %(yours)s); "
            "your text was not saved. Reload the page, then write your changes again."
        ),
    )
    return edition


def _validate_as_of(*, school_year: SchoolYear, as_of: date) -> None:
    if not (same_day_a_year_before(school_year.start_date) <= as_of <= school_year.end_date):
        raise ValidationError(
            {
                "as_of": _("The date %(date)s does not fall in or just before the school year %(year)s.")
                % {"date": as_of.isoformat(), "year": school_year.code}
            }
        )


def clean_dates(*, as_of: date, dates: dict[str, date | None]) -> dict[str, date]:
    """The areas' own dates that are given, or a ValidationError naming each wrong one: an unknown area; a
    day after the report's date (the report cannot read figures not yet there); a day of another school year than
    the report's (the money: of another calendar year)."""
    errors: dict[str, str] = {}
    report_year = reporting_school_year(as_of=as_of)
    for area, day in dates.items():
        if day is None:
            continue
        if area not in DATE_AREAS:
            errors[area] = _("There is no area %(area)s to give a date of its own.") % {"area": area}
        elif day > as_of:
            errors[area] = _("The date %(date)s of %(area)s is after the report's date %(report)s.") % {
                "date": day.isoformat(),
                "area": DATE_AREAS[area],
                "report": as_of.isoformat(),
            }
        elif area == "money" and day.year != as_of.year:
            errors[area] = _("The money's date %(date)s is of another year than the report's %(report)s.") % {
                "date": day.isoformat(),
                "report": as_of.isoformat(),
            }
        elif area != "money" and reporting_school_year(as_of=day) != report_year:
            errors[area] = _("The date %(date)s of %(area)s describes another school year than %(report)s.") % {
                "date": day.isoformat(),
                "area": DATE_AREAS[area],
                "report": as_of.isoformat(),
            }
    if errors:
        raise ValidationError(errors)
    return {area: day for area, day in sorted(dates.items()) if day is not None}


def _stored(dates: dict[str, date]) -> dict[str, str]:
    """Dates as an edition's JSON keeps them (ISO text; `ReportEdition.area_dates` reads them back)."""
    return {area: day.isoformat() for area, day in dates.items()}


def _next_number(*, board: Board, kind: str, school_year: SchoolYear) -> int:
    last = (
        ReportEdition.objects.of_board(board).filter(kind=kind, school_year=school_year).aggregate(n=Max("number"))["n"]
    )
    return (last or 0) + 1


@transaction.atomic
def edition_create(
    *,
    school_year: SchoolYear,
    as_of: date,
    viewer: Viewer,
    title: str = "",
    kind: str = ReportKind.READINESS,
    dates: dict[str, date | None] | None = None,
    board: Board | None = None,
) -> ReportEdition:
    """Start a draft edition of a board's report for a school year, its figures as of a date (some areas' on their
    own): of `board`, which the viewer must work for, or of the viewer's only board."""
    author = _check_board(viewer)
    _validate_as_of(school_year=school_year, as_of=as_of)
    if board is None:
        board = new_row_board(viewer)
    elif not Board.objects.editable_by(viewer).filter(pk=board.pk).exists():
        raise ValidationError({"board": _("Name the board whose report this is.")})
    edition = ReportEdition(
        board=board,
        kind=kind,
        school_year=school_year,
        as_of=as_of,
        dates=_stored(clean_dates(as_of=as_of, dates=dates or {})),
        title=title.strip(),
        number=_next_number(board=board, kind=kind, school_year=school_year),
        created_by=author,
    )
    edition.full_clean()
    try:
        with transaction.atomic():
            edition.save()
    except IntegrityError:
        raise ValidationError(
            _("Another edition of this report was started at the same moment; try again."), code="race"
        ) from None
    return edition


@transaction.atomic
def edition_start_from(*, source: ReportEdition, viewer: Viewer, as_of: date | None = None) -> ReportEdition:
    """A new draft started from a published edition: its narrative and title copied, the figures live again."""
    _check_board(viewer)
    if not source.is_published:
        raise ValidationError(_("A new edition starts from a published one; publish this edition first."))
    edition = edition_create(
        school_year=source.school_year,
        as_of=as_of or source.as_of,
        viewer=viewer,
        title=source.title,
        kind=source.kind,
        dates=dict(source.area_dates()) if as_of is None else {},
        board=source.board,
    )
    edition.narrative = dict(source.narrative)
    edition.based_on = source
    edition.save(update_fields=["narrative", "based_on", "updated_at"])
    return edition


@transaction.atomic
def edition_update(
    *,
    edition_id: int,
    version: int,
    viewer: Viewer,
    narrative: dict[str, str] | None = None,
    title: str | None = None,
    as_of: date | None = None,
    dates: dict[str, date | None] | None = None,
) -> ReportEdition:
    """Change a draft's narrative (only the slots given), title, date or the areas' own dates (all of them, when
    given); refused once published or when stale."""
    _check_board(viewer)
    edition = _locked(edition_id, version)
    if edition.is_published:
        raise ValidationError(_("A published edition is frozen; start a new edition from it to change it."))
    if narrative is not None:
        for slot, text in narrative.items():
            if len(text) > MAX_NARRATIVE:
                raise ValidationError(
                    _("The text of %(slot)s is longer than %(max)s characters.") % {"slot": slot, "max": MAX_NARRATIVE}
                )
        merged = dict(edition.narrative)
        merged.update({slot: text.strip() for slot, text in narrative.items()})
        edition.narrative = {slot: text for slot, text in merged.items() if text}
    if title is not None:
        edition.title = title.strip()
    if as_of is not None:
        _validate_as_of(school_year=edition.school_year, as_of=as_of)
        edition.as_of = as_of
    if dates is not None or as_of is not None:  # a new date of the report checks the areas' dates again
        kept: dict[str, date | None] = dict(edition.area_dates())
        edition.dates = _stored(clean_dates(as_of=edition.as_of, dates=kept if dates is None else dates))
    edition.version += 1
    edition.full_clean()
    edition.save()
    return edition


@transaction.atomic
def edition_publish(*, edition_id: int, version: int, viewer: Viewer) -> ReportEdition:
    """Publish a draft: its figures are computed once more and frozen with its text; it never changes again."""
    author = _check_board(viewer)
    edition = _locked(edition_id, version)
    if edition.is_published:
        raise ValidationError(_("This edition is already published."))
    year = reporting_school_year(as_of=edition.as_of)
    if year is None or year.pk != edition.school_year_id:
        raise ValidationError(
            _("The figures as of %(date)s describe another school year than %(year)s; change the date first.")
            % {"date": edition.as_of.isoformat(), "year": edition.school_year.code}
        )
    edition.content = build_readiness(
        as_of=edition.as_of, visible_to=whole_board(edition.board), dates=edition.area_dates()
    )
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = timezone.now()
    edition.published_by = author
    edition.version += 1
    edition.save()
    return edition


@transaction.atomic
def edition_delete(*, edition_id: int, version: int, viewer: Viewer) -> None:
    """Delete a draft; a published edition is kept for ever."""
    _check_board(viewer)
    edition = _locked(edition_id, version)
    if edition.is_published:
        raise ValidationError(_("A published edition cannot be deleted."))
    edition.delete()

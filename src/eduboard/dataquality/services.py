"""The data-quality area's writes: each board's rules (made for a new board, edited by the board) and the runs of
the checks, which keep the board's counts by rule over time and replace its list of findings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from eduboard.core import board_wall
from eduboard.core.data_checks import Finding
from eduboard.core.enqueue import enqueue_after_commit
from eduboard.core.priority import background_priority
from eduboard.core.scope import WHOLE_CITY, Narrowed, Viewer
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.dataquality.checks import CHECKS, THRESHOLD_ON_BOARD, rule_threshold, run_check
from eduboard.dataquality.choices import Trigger
from eduboard.dataquality.defaults import DEFAULT_RULES
from eduboard.dataquality.models import CensusDate, CheckRun, DataIssue, QualityRule
from eduboard.registry.board_scope import whole_board
from eduboard.registry.boards import Board, boards_changed_by, viewer_boards
from eduboard.registry.merge import learner_merge
from eduboard.registry.models import Institution, Learner
from eduboard.registry.selectors import default_as_of


def quality_rules_for_new_board(*, board: Board) -> None:
    """A board's data-quality rules with their default severity, threshold and texts (`defaults.DEFAULT_RULES`);
    a rule the board already has is kept as it is."""
    QualityRule.objects.bulk_create(
        [
            QualityRule(board=board, code=code, severity=severity, threshold=threshold, text=lv, text_en=en, text_ru=ru)
            for code, (severity, threshold, _unit, lv, en, ru) in DEFAULT_RULES.items()
        ],
        ignore_conflicts=True,
    )


@atomic_write
def quality_rule_set(
    *,
    viewer: Viewer,
    rule: QualityRule,
    severity: str,
    threshold: Decimal | None,
    active: bool,
    texts: dict[str, str],
    expected_version: int | None,
) -> QualityRule:
    """The board edits a rule: its severity, threshold, whether it is used and its texts (`text`, `text_en`,
    `text_ru`). A rule whose threshold the board keeps elsewhere (`checks.THRESHOLD_ON_BOARD`) takes none here."""
    if not viewer.has_perm("dataquality.change_qualityrule"):
        raise PermissionDenied(_("Only the board edits the data-quality rules."))
    if not QualityRule.objects.editable_by(viewer).filter(pk=rule.pk).exists():
        raise PermissionDenied(_("This rule is another board's."))
    if rule.code in THRESHOLD_ON_BOARD and threshold is not None:
        raise ValidationError(
            {"threshold": _("This rule's threshold is the board's FTE warning limit: set it on the board's page.")}
        )
    if threshold is not None and threshold < 0:
        raise ValidationError({"threshold": _("A threshold is not negative.")})
    rule.severity, rule.threshold, rule.active = severity, threshold, active
    rule.text, rule.text_en, rule.text_ru = texts.get("text", ""), texts.get("text_en", ""), texts.get("text_ru", "")
    save_versioned(rule, expected_version=expected_version)
    return rule


def census_date_add(*, viewer: Viewer, day: date, name: str, due_days: int, board: str = "") -> CensusDate:
    """The board adds a census day (of the board with the code `board` when the viewer works for several)."""
    if not viewer.has_perm("dataquality.add_censusdate"):
        raise PermissionDenied(_("Only the board sets census days."))
    mine = boards_changed_by(viewer)
    boards = Board.objects.order_by("pk") if mine is None else Board.objects.filter(pk__in=mine)
    if board:
        boards = boards.filter(code=board)
    found = list(boards[:2])
    if len(found) != 1:
        raise ValidationError({"board": _("Name the board (its code) whose census day this is.")})
    if CensusDate.objects.filter(board=found[0], day=day).exists():
        raise ValidationError({"day": _("The board has this census day already.")})
    census = CensusDate(board=found[0], day=day, name=name, due_days=due_days)
    census.full_clean()
    census.save()
    return census


def board_viewer_for_checks(*, board: Board, institution: Institution | None = None) -> Viewer:
    """Whom a run reads as: the one institution, or the whole board (`registry.board_scope.whole_board`: on a
    deployment of one board, the whole deployment, so that staff records of no institution are the board's too)."""
    if institution is not None:
        return Narrowed(WHOLE_CITY, {institution.pk}, board_id=board.pk)
    return whole_board(board)


def data_check_findings(
    *, board: Board, as_of: date, institution: Institution | None = None
) -> list[tuple[QualityRule, Finding]]:
    """What the board's rules in use find on `as_of` (in one institution of it with `institution`), each finding
    with its rule; nothing is kept (an import's preview asks this before and after the file's rows)."""
    quality_rules_for_new_board(board=board)  # a rule added to the system since the board was made
    rules = {rule.code: rule for rule in QualityRule.objects.of_board(board)}
    viewer = board_viewer_for_checks(board=board, institution=institution)
    found: list[tuple[QualityRule, Finding]] = []
    for code in CHECKS:
        rule = rules[code]
        if rule.active:
            threshold = rule_threshold(rule=rule, board=board)
            found.extend(
                (rule, finding) for finding in run_check(code, as_of=as_of, visible_to=viewer, threshold=threshold)
            )
    return found


def data_check_run(
    *, board: Board, as_of: date, trigger: str = Trigger.COMMAND, institution: Institution | None = None
) -> tuple[CheckRun, list[tuple[QualityRule, Finding]]]:
    """Run every rule of the board in use (of one institution of it with `institution`) on `as_of`: record the run
    with its counts by rule (every rule's code, 0 for one not in use) and put what it found in place of what the
    board's (the institution's) previous run found. Returns the run and its findings with their rules."""
    found = data_check_findings(board=board, as_of=as_of, institution=institution)
    by_rule = dict.fromkeys((str(code) for code in CHECKS), 0)
    for rule, _finding in found:
        by_rule[rule.code] += 1
    with transaction.atomic():
        run = CheckRun.objects.create(
            board=board, institution=institution, as_of=as_of, trigger=trigger, by_rule=by_rule
        )
        previous = DataIssue.objects.filter(board=board)
        if institution is not None:
            previous = previous.filter(institution=institution)
        previous.delete()
        DataIssue.objects.bulk_create(
            [
                DataIssue(
                    run=run,
                    board=board,
                    institution_id=finding.institution_id,
                    rule=rule.code,
                    severity=rule.severity,
                    object=finding.object,
                    url=finding.url,
                    params=dict(finding.params),
                )
                for rule, finding in found
            ],
            batch_size=1000,
        )
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
    return run, found


def _boards(board_ids: Iterable[int] | None) -> QuerySet[Board]:
    """The boards of `board_ids`, every board for None, in the order they were made."""
    boards = Board.objects.order_by("pk")
    return boards if board_ids is None else boards.filter(pk__in=list(board_ids))


def data_check_boards(*, board_ids: Iterable[int] | None, as_of: date, trigger: str) -> list[CheckRun]:
    """`data_check_run` for each board of `board_ids` (every board for None)."""
    return [data_check_run(board=board, as_of=as_of, trigger=trigger)[0] for board in _boards(board_ids)]


@task()
def data_check_task(*, board_ids: list[int] | None, as_of: str | None = None, trigger: str) -> dict[str, int]:
    """A worker's run of the checks (after an import, nightly): `data_check_boards` for `board_ids` (every board
    for None) on `as_of` (ISO date; None: the day the pages show when the run starts, `default_as_of`). Returns
    the findings by rule summed over the boards."""
    cache.delete(_pending_key(board_ids))  # from here on, a new import's writes need a run of their own
    day = date.fromisoformat(as_of) if as_of else default_as_of()
    with (
        background_priority(settings.IMPORT_CPU_NICE),
        board_wall.for_boards_or_every(board_ids, reason=f"data checks of every board ({trigger})"),
    ):
        runs = data_check_boards(board_ids=board_ids, as_of=day, trigger=trigger)
    total: dict[str, int] = {}
    for run in runs:
        for code, count in run.by_rule.items():
            total[code] = total.get(code, 0) + count
    return total


def data_check_after_import(*, viewer: Viewer) -> None:
    """Queue a run of the checks of the importer's boards when the import's transaction commits (settings
    `DATA_CHECK_AFTER_IMPORT`, on by default), unless a run of the same boards is queued and not started yet: that
    run reads this import's rows too."""
    if not settings.DATA_CHECK_AFTER_IMPORT:
        return
    boards = viewer_boards(viewer)
    board_ids = None if boards is None else sorted(boards)
    enqueue_after_commit(
        data_check_task,
        unless=lambda: not cache.add(_pending_key(board_ids), 1, PENDING_SECONDS),
        board_ids=board_ids,
        as_of=None,  # the day the pages show when the run starts (the import may have moved it)
        trigger=Trigger.IMPORT,
    )


#: How long a queued run after an import stands for the imports that follow it (a worker that never takes it up
#: does not stop the runs after this).
PENDING_SECONDS = 3600


def _pending_key(board_ids: list[int] | None) -> str:
    return "dataquality:pending:" + ("all" if board_ids is None else ",".join(map(str, board_ids)))


#: A census whose data was due longer ago than this is no longer reminded of.
CENSUS_REMINDED_DAYS = 120


def census_reminders_send(*, today: date) -> int:
    """E-mail each head of an institution late with a census day's data (the boards' census days due in the last
    CENSUS_REMINDED_DAYS days), one message per head and census day naming what is missing; the number sent."""
    from django.core.mail import send_mail
    from django.utils import translation

    from eduboard.accounts.selectors import institution_heads
    from eduboard.dataquality.selectors import CENSUS_PARTS, census_completeness

    labels = {"learners": _("learners"), "staff": _("staff"), "money": _("spending")}
    sent = 0
    for census in CensusDate.objects.select_related("board").order_by("day", "board_id"):
        if not census.due_on < today <= census.due_on + timedelta(days=CENSUS_REMINDED_DAYS):
            continue
        board = board_viewer_for_checks(board=census.board)
        late = [row for row in census_completeness(day=census.day, visible_to=board, today=today) if row.late]
        heads = institution_heads(institution_ids=[row.institution_id for row in late])
        for row in late:
            for head in heads.get(row.institution_id, []):
                with translation.override(settings.LANGUAGE_CODE):
                    missing = ", ".join(str(labels[part]) for part in CENSUS_PARTS if part in row.missing)
                    subject = _("Data for %(census)s is late: %(institution)s") % {
                        "census": census.name,
                        "institution": row.name,
                    }
                    body = _(
                        "The data of %(institution)s for the census day %(day)s was due on %(due)s. Still missing: "
                        "%(missing)s. Send it through eduboard's imports or pages; the board's data-quality page shows "
                        "what has arrived."
                    ) % {
                        "institution": row.name,
                        "day": census.day.isoformat(),
                        "due": census.due_on.isoformat(),
                        "missing": missing,
                    }
                send_mail(str(subject), str(body), settings.DEFAULT_FROM_EMAIL, [head.email])
                sent += 1
    return sent


def data_check_preview(*, viewer: Viewer) -> list[dict[str, Any]]:
    """The findings on the day the pages show (`default_as_of`) in the boards `viewer` works for, as `check_data
    --json` rows, nothing kept: asked before and after a previewed import (core.import_preview) to show the findings
    its file would add."""
    from eduboard.dataquality.selectors import findings_as_rows

    day = default_as_of()
    boards = _boards(viewer_boards(viewer))
    return findings_as_rows(finding for board in boards for finding in data_check_findings(board=board, as_of=day))


def duplicate_merge(*, kept: Learner, merged: Learner, viewer: Viewer) -> dict[str, int]:
    """The board merges a duplicate candidate (`registry.merge.learner_merge`: every row moves to `kept` in one
    transaction, audited) and the findings that named the merged record leave the list; the rows moved by model."""
    with transaction.atomic():
        moved = learner_merge(kept=kept, merged=merged, viewer=viewer)
        DataIssue.objects.filter(object=f"registry.learner:{merged.pk}").delete()
        DataIssue.objects.filter(rule="duplicate_learner", params__other_id=str(merged.pk)).delete()
    return moved

"""Publishing the open data: each board's datasets computed again (`opendata.datasets`) and a new version recorded
of each whose rows changed (the feed's entries and the catalogue's `modified`); the files written to a folder for a
web server or a portal to take; the daily task and the board's "Publish now"."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from eduboard.core import board_wall
from eduboard.core.enqueue import enqueue_after_commit
from eduboard.core.scope import Viewer
from eduboard.opendata.datasets import BUILDERS, csv_text, json_text
from eduboard.opendata.dcat import catalog_text
from eduboard.opendata.models import Publication
from eduboard.opendata.selectors import latest_publications, publishing_boards
from eduboard.registry.board_scope import whole_board
from eduboard.registry.boards import Board, boards_changed_by
from eduboard.registry.selectors import default_as_of


@dataclass(frozen=True)
class Published:
    """What a run did for one board: the datasets recorded as new versions and those found unchanged."""

    board: Board
    changed: list[str]
    unchanged: list[str]


def _checksum(text: str) -> str:
    """SHA-256 of a dataset's rows (its CSV): the same rows are the same version."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def opendata_publish(*, board: Board, as_of: date, now: datetime | None = None) -> Published:
    """Compute every dataset of `board` as of `as_of` and record a new version of each whose rows differ from its
    latest version's; an unchanged one only notes when it was checked."""
    moment = now or timezone.now()
    viewer = whole_board(board)
    changed, unchanged = [], []
    for code, build in BUILDERS.items():
        dataset = build(as_of=as_of, visible_to=viewer)
        text = csv_text(dataset)
        checksum = _checksum(text)
        latest = Publication.objects.filter(board=board, dataset=code).order_by("-modified", "-pk").first()
        if latest is not None and latest.checksum == checksum:
            latest.checked_at = moment
            latest.save(update_fields=["checked_at"])
            unchanged.append(code)
            continue
        publication = Publication(
            board=board,
            dataset=code,
            period_start=dataset.period_start,
            period_end=dataset.period_end,
            modified=moment,
            checked_at=moment,
            rows=len(dataset.rows),
            csv=text,
            json=json_text(dataset, board=board),
            checksum=checksum,
        )
        publication.full_clean()
        publication.save()
        changed.append(code)
    return Published(board=board, changed=changed, unchanged=unchanged)


def _boards(board_ids: Iterable[int] | None) -> list[Board]:
    boards = Board.objects.order_by("pk")
    return list(boards if board_ids is None else boards.filter(pk__in=list(board_ids)))


def opendata_publish_boards(*, board_ids: Iterable[int] | None, as_of: date | None = None) -> list[Published]:
    """`opendata_publish` for each board of `board_ids` (every board for None) on `as_of`; by default the day every
    page shows (`registry.selectors.default_as_of`: today, or the latest school year's first day in an archive)."""
    day = as_of or default_as_of()
    return [opendata_publish(board=board, as_of=day) for board in _boards(board_ids)]


@task()
def opendata_publish_task(*, board_ids: list[int] | None, as_of: str | None = None) -> dict[str, list[str]]:
    """A worker's run (daily from cron, or the board's "Publish now"): `opendata_publish_boards` on `as_of` (ISO
    date; the pages' default day when None). Returns the datasets recorded anew, by board code."""
    with board_wall.for_boards_or_every(board_ids, reason="open data of every board"):
        done = opendata_publish_boards(board_ids=board_ids, as_of=date.fromisoformat(as_of) if as_of else None)
    return {published.board.code: published.changed for published in done}


def opendata_publish_now(*, viewer: Viewer) -> list[int] | None:
    """The board presses "Publish now": a run of its boards' datasets is handed to a worker (at once where tasks
    run in the process). Returns the boards' ids (None: every board)."""
    if not viewer.has_perm("opendata.add_publication"):
        raise PermissionDenied(_("Only the board publishes its open data."))
    boards = boards_changed_by(viewer)
    if boards is not None and not boards:
        raise PermissionDenied(_("You publish no board's open data."))
    board_ids = None if boards is None else sorted(boards)
    enqueue_after_commit(opendata_publish_task, board_ids=board_ids)
    return board_ids


def opendata_write(*, out: Path, absolute: Callable[[str], str]) -> list[Path]:
    """Write the latest version of every board's datasets into `out` (`<board>/<dataset>.csv` and `.json`) and the
    catalogue (`catalog.jsonld`, its addresses made absolute by `absolute`). Returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    publications = latest_publications()
    files = {
        pk: (csv, json)
        for pk, csv, json in Publication.objects.filter(pk__in=[p.pk for p in publications]).values_list(
            "pk", "csv", "json"
        )
    }
    for listed in publications:
        folder = out / listed.board.code
        folder.mkdir(exist_ok=True)
        for fmt, text in zip(("csv", "json"), files[listed.pk], strict=True):
            path = folder / f"{listed.dataset}.{fmt}"
            path.write_text(text, encoding="utf-8", newline="")
            written.append(path)
    path = out / "catalog.jsonld"
    path.write_text(catalog_text(publications, boards=publishing_boards(), absolute=absolute), encoding="utf-8")
    written.append(path)
    return written

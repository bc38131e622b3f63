"""Reads of the published open data: what anyone may read (the datasets' latest versions, the feed of versions).
Publications hold figures only, small cells withheld, so every reader reads them all; no viewer is needed."""

from __future__ import annotations

from dataclasses import dataclass

from eduboard.opendata.choices import DatasetCode
from eduboard.opendata.models import Publication
from eduboard.registry.boards import Board

#: The most versions the feed lists.
FEED_ENTRIES = 100


@dataclass(frozen=True)
class BoardDatasets:
    """A board and the latest version of each of its published datasets, in the order of `DatasetCode`."""

    board: Board
    publications: list[Publication]


def _listed() -> list[Publication]:
    rows = Publication.objects.latest_per_dataset().select_related("board").defer("csv", "json")
    order = {code: index for index, code in enumerate(DatasetCode.values)}
    return sorted(rows, key=lambda p: (p.board.code, order.get(p.dataset, len(order))))


def published_datasets() -> list[BoardDatasets]:
    """Each board that has published, with the latest version of each of its datasets (two queries)."""
    boards: dict[int, BoardDatasets] = {}
    for publication in _listed():
        boards.setdefault(publication.board_id, BoardDatasets(publication.board, [])).publications.append(publication)
    return list(boards.values())


def latest_publications() -> list[Publication]:
    """The latest version of every board's every dataset (what the catalogue lists)."""
    return _listed()


def publishing_boards() -> list[Board]:
    """The boards of the deployment, in the order they were made (the catalogue's publisher is the first)."""
    return list(Board.objects.order_by("pk"))


def latest_publication(*, board_code: str, dataset: str) -> Publication | None:
    """The latest version of one board's dataset, with its files; None when it was never published."""
    return (
        Publication.objects.filter(board__code=board_code, dataset=dataset)
        .select_related("board")
        .order_by("-modified", "-pk")
        .first()
    )


def feed_publications(*, limit: int = FEED_ENTRIES) -> list[Publication]:
    """Every published version, newest first (the feed's entries): one per change of a dataset's figures."""
    return list(Publication.objects.select_related("board").defer("csv", "json").order_by("-modified", "-pk")[:limit])

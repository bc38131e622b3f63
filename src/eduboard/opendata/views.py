"""The open data pages: the list of each board's datasets (anyone, no sign-in), their files, the DCAT-AP catalogue
and the Atom feed of their versions; the board's "Publish now". Thin: reads in `opendata.selectors`, the run in
`opendata.services`. Publications hold figures only (small cells withheld), so every page here is public but the
button."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduboard.core.feeds import TextAtom1Feed
from eduboard.opendata.choices import CATALOG_TITLE, DESCRIPTIONS, DatasetCode
from eduboard.opendata.dcat import catalog_text, file_url
from eduboard.opendata.models import Publication
from eduboard.opendata.selectors import (
    feed_publications,
    latest_publication,
    latest_publications,
    published_datasets,
    publishing_boards,
)
from eduboard.opendata.services import opendata_publish_now

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _title(dataset: str) -> str:
    return str(DatasetCode(dataset).label) if dataset in DatasetCode.values else dataset


@login_not_required
def open_data_view(request: HttpRequest) -> HttpResponse:
    """Each board's datasets with their period, last change and files; the board's "Publish now"."""
    boards = published_datasets()
    for listed in boards:
        for publication in listed.publications:
            publication.title = _title(publication.dataset)  # type: ignore[attr-defined]
            publication.description = DESCRIPTIONS.get(publication.dataset, "")  # type: ignore[attr-defined]
    return render(
        request,
        "opendata/index.html",
        {"boards": boards, "can_publish": request.user.has_perm("opendata.add_publication")},
    )


@login_not_required
def dataset_file_view(request: HttpRequest, board: str, dataset: str, fmt: str) -> HttpResponse:
    """The latest version of a board's dataset as CSV or JSON."""
    publication = latest_publication(board_code=board, dataset=dataset) if fmt in CONTENT_TYPES else None
    if publication is None:
        raise Http404
    text = publication.csv if fmt == "csv" else publication.json
    response = HttpResponse(text.encode("utf-8"), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'inline; filename="{board}-{dataset}.{fmt}"'
    response["Last-Modified"] = publication.modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@login_not_required
def catalog_view(request: HttpRequest) -> HttpResponse:
    """The catalogue of every board's latest datasets in DCAT-AP, as JSON-LD."""
    text = catalog_text(latest_publications(), boards=publishing_boards(), absolute=request.build_absolute_uri)
    return HttpResponse(text.encode("utf-8"), content_type="application/ld+json")


@require_POST
@permission_required("opendata.add_publication", raise_exception=True)
def publish_view(request: HttpRequest) -> HttpResponse:
    """The board publishes its datasets now (a worker's task; at once where tasks run in the process)."""
    opendata_publish_now(viewer=request.user)
    messages.success(
        request,
        _(
            "The open data is being published: each dataset whose figures changed gets a new version, the others "
            "stay as they were. Reload this page in a minute to see the dates."
        ),
    )
    return redirect("opendata:index")


class OpenDataFeed(Feed):
    """Every version of the board's datasets as an Atom feed: an entry each time a dataset's figures changed."""

    login_required = False  # public: the sign-in middleware lets anyone read the feed

    feed_type = TextAtom1Feed
    title = CATALOG_TITLE
    subtitle = gettext_lazy("A new entry each time the figures of a published dataset change.")
    link = reverse_lazy("opendata:index")
    author_name = gettext_lazy("The education board")

    page = ""  # the open-data page's absolute address on the host the feed is read on (set per request)

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The entries' ids are absolute IRIs (RFC 4287, 4.2.6) on the host the feed is read on. The view is one
        # instance for every request, so each request's address goes on a copy of it, never on the shared one.
        feed = copy.copy(self)
        feed.page = request.build_absolute_uri(reverse("opendata:index"))
        return Feed.__call__(feed, request, *args, **kwargs)

    def items(self) -> list[Publication]:
        return feed_publications()

    def item_title(self, item: Publication) -> str:
        return f"{item.board.name}: {_title(item.dataset)}"

    def item_description(self, item: Publication) -> str:
        return _("Period %(start)s – %(end)s; %(rows)s rows.") % {
            "start": item.period_start.isoformat(),
            "end": item.period_end.isoformat(),
            "rows": item.rows,
        }

    def item_link(self, item: Publication) -> str:
        return file_url(item, "csv")

    def item_guid(self, item: Publication) -> str:
        """The version's id: the open-data page's absolute address with `#version-<id>` (what a reader resolving the
        former relative id against the feed's address made of it)."""
        return f"{self.page}#version-{item.pk}"

    def item_guid_is_permalink(self, item: Publication) -> bool:
        return False

    def item_pubdate(self, item: Publication) -> datetime:
        return item.modified

    def item_updateddate(self, item: Publication) -> datetime:
        """RFC 4287: every entry says when it last changed."""
        return item.modified

"""Reads of the reports area: an edition's content, two editions compared, the dashboards' figures.

Every read of a report's content takes its reader and gives only the blocks the reader's role includes
(`content_for_reader`): the page, the files, the comparison, the API and the dashboard alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from eduboard.core.figures_cache import cached_figures
from eduboard.core.scope import Viewer, sees_whole_city
from eduboard.registry.board_scope import whole_board
from eduboard.reports.content import T, Text, format_change, format_value, number, raw_number, render_text, text_key
from eduboard.reports.models import FileJob, ReportEdition
from eduboard.reports.readiness import READ_REPORT, REPORT_PERMISSIONS, Progress, build_readiness, key_figures

# The note in place of what a reader's role does not include (in a section of a report, on the dashboard).
WITHHELD = _("Some figures are not shown here because your role does not include them.")


def _needed(part: dict[str, Any]) -> list[str]:
    """The permissions a block (or a dashboard figure) needs. Content frozen before blocks declared one
    needs every permission of the report, so nothing it holds is shown to a reader it was not meant for."""
    return [part["permission"]] if "permission" in part else sorted(REPORT_PERMISSIONS)


def _lacking(part: dict[str, Any], viewer: Viewer) -> list[str]:
    """The permissions `part` needs that `viewer` lacks (every viewer answers `has_perm`, WHOLE_CITY yes)."""
    has_perm = cast(Any, viewer).has_perm
    return [permission for permission in _needed(part) if not has_perm(permission)]


def content_for_reader(*, content: dict[str, Any], viewer: Viewer) -> dict[str, Any]:
    """The content as `viewer` may read it: every block needing a permission the viewer lacks left out, and
    one note where the first of a section's left-out blocks was. `withheld` lists the permissions lacked;
    the whole city (and a board administrator) keeps everything."""
    withheld: set[str] = set(content.get("withheld", []))
    sections = []
    for section in content["sections"]:
        blocks: list[dict[str, Any]] = []
        noted = False
        for block in section["blocks"]:
            lacking = _lacking(block, viewer)
            if not lacking:
                blocks.append(block)
                continue
            withheld.update(lacking)
            if not noted:
                blocks.append({"type": "note", "text": T(WITHHELD), "permission": READ_REPORT})
                noted = True
        sections.append({**section, "blocks": blocks})
    return {**content, "sections": sections, "withheld": sorted(withheld)}


def edition_content(*, edition: ReportEdition, viewer: Viewer, progress: Progress | None = None) -> dict[str, Any]:
    """An edition's figures as `viewer` may read them: a published one's as frozen, a draft's computed now
    (for the whole of the edition's board: the report is the board's)."""
    if edition.is_published and edition.content is not None:
        content = edition.content
    else:
        whole = whole_board(edition.board)
        content = _built(as_of=edition.as_of, visible_to=whole, dates=edition.area_dates(), progress=progress)
    return content_for_reader(content=content, viewer=viewer)


def content_reads(content: dict[str, Any]) -> list[str]:
    """The permissions a reader needs for every figure and text in `content` (as `content_for_reader` left it):
    what a report file made of it holds, so that it is given only to readers whose role includes as much."""
    needed = {READ_REPORT}
    for section in content["sections"]:
        for block in section["blocks"]:
            needed.update(_needed(block))
    return sorted(needed)


def file_jobs_readable(*, jobs: QuerySet[FileJob], viewer: Viewer) -> list[FileJob]:
    """The report files of `jobs` that `viewer` may fetch: their own, and an edition's finished files when the
    viewer may open the edition (a draft: the board) and their role includes every figure the file holds
    (`FileJob.reads`): a file holds what its builder's role reads, never given to a role that includes less."""
    own = Q(user_id=getattr(viewer, "pk", None) or 0)
    has_perm = cast(Any, viewer).has_perm
    if has_perm(READ_REPORT):
        shared = Q(
            status=FileJob.Status.DONE,
            reads__isnull=False,
            edition__in=ReportEdition.objects.visible_to(viewer).values("pk"),
        )
        jobs = jobs.filter(own | shared)
    else:
        jobs = jobs.filter(own)
    own_id = getattr(viewer, "pk", None)
    return [
        job
        for job in jobs
        if job.user_id == own_id or (job.reads is not None and all(has_perm(needed) for needed in job.reads))
    ]


def file_job_readable(*, job_id: str, viewer: Viewer) -> FileJob | None:
    """The report file `job_id` if `viewer` may fetch it (`file_jobs_readable`), else None."""
    found = file_jobs_readable(jobs=FileJob.objects.filter(pk=job_id), viewer=viewer)
    return found[0] if found else None


def edition_files(*, edition: ReportEdition, viewer: Viewer) -> list[FileJob]:
    """The files made of an edition that `viewer` may fetch (`file_jobs_readable`), newest first, with who made
    them; every file made is kept."""
    jobs = (
        FileJob.objects.filter(edition=edition, status=FileJob.Status.DONE)
        .select_related("user")
        .order_by("-finished_at", "-created_at")
    )
    return file_jobs_readable(jobs=jobs, viewer=viewer)


@cached_figures(
    "registry",
    "people",
    "finance",
    "quality",
    "assets",
    "projects",
    "interest",
    "prevention",
    "surveys",
    beyond_scope=("registry", "people", "finance"),
)
def readiness_built(*, as_of: date, visible_to: Viewer, dates: dict[str, date] | None = None) -> dict[str, Any]:
    """The readiness report's content as built from the data (core.figures_cache: built again only when the data
    it rests on changed, so a draft's page, its comparison and its files do not each build it anew)."""
    return build_readiness(as_of=as_of, visible_to=visible_to, dates=dates)


def readiness_content(
    *, as_of: date, visible_to: Viewer, progress: Progress | None = None, dates: dict[str, date] | None = None
) -> dict[str, Any]:
    """The readiness report's figures as of a date (some areas' on dates of their own), scoped to `visible_to` and
    as it may read them, not kept anywhere (the command, the API)."""
    content = _built(as_of=as_of, visible_to=visible_to, dates=dates, progress=progress)
    return content_for_reader(content=content, viewer=visible_to)


def _built(
    *, as_of: date, visible_to: Viewer, dates: dict[str, date] | None, progress: Progress | None
) -> dict[str, Any]:
    """The content built from the data: from the figures cache, or built anew when someone follows the progress."""
    if progress is None:
        return readiness_built(as_of=as_of, visible_to=visible_to, dates=dates)
    return build_readiness(as_of=as_of, visible_to=visible_to, progress=progress, dates=dates)


def dashboard_figures(*, as_of: date, visible_to: Viewer) -> dict[str, Any]:
    """The report's key figures for a user's home, scoped to their institutions (all for the board), without
    those their role does not include (`withheld` then says so)."""
    figures = key_figures(as_of=as_of, visible_to=visible_to)
    shown = {part: [item for item in figures[part] if not _lacking(item, visible_to)] for part in ("figures", "tables")}
    withheld = any(len(shown[part]) < len(figures[part]) for part in shown)
    if not sees_whole_city(visible_to):
        # An institution's user sees the figures of its own work: a preschool has no pupils or first graders, the
        # innovation centre neither, so a figure that is nothing now and was nothing a year before is left out.
        shown["figures"] = [item for item in shown["figures"] if not _nothing(item)]
    return {**figures, **shown, "withheld": withheld}


def _nothing(item: dict[str, Any]) -> bool:
    return all(raw_number(item.get(key)) in (None, 0) for key in ("value", "before"))


@dataclass(frozen=True)
class FigureEntry:
    """One figure of a report's content, flattened: a figure or one cell of a table."""

    key: str
    section: Text
    label: list[Text]
    value: Any
    unit: str


def flatten_figures(content: dict[str, Any]) -> dict[str, FigureEntry]:
    """Every figure of the content by a stable key: `section.figure`, or `table/row words/column` for cells."""
    entries: dict[str, FigureEntry] = {}
    for section in content["sections"]:
        for block in section["blocks"]:
            if block["type"] == "figures":
                for item in block["items"]:
                    entries[item["key"]] = FigureEntry(
                        item["key"], section["title"], [item["label"]], item["value"], item.get("unit", "")
                    )
            elif block["type"] == "table":
                columns, units = block["columns"], block["units"]
                for row in [*block["rows"], *([block["total"]] if "total" in block else [])]:
                    # The row's words (its label and any other text cells) tell rows apart.
                    row_key = "|".join(
                        text_key(cell)
                        for index, cell in enumerate(row)
                        if index == 0 or (cell not in (None, "") and raw_number(cell) is None)
                    )
                    for index in range(1, len(row)):
                        if raw_number(row[index]) is None:
                            continue
                        key = f"{block['key']}/{row_key}/{text_key(columns[index])}"
                        entries[key] = FigureEntry(
                            key, section["title"], [block["title"], row[0], columns[index]], row[index], units[index]
                        )
    return entries


@dataclass(frozen=True)
class ComparedFigure:
    """One figure in two editions, with the difference (for numbers)."""

    key: str
    section: str
    label: str
    first: str
    second: str
    difference: str
    changed: bool


def editions_compare(
    *, first: dict[str, Any], second: dict[str, Any], only_changed: bool = False
) -> list[ComparedFigure]:
    """Two editions' contents figure by figure, in the order of the first (figures only in the second last)."""
    a, b = flatten_figures(first), flatten_figures(second)
    rows = []
    for key in [*a, *(key for key in b if key not in a)]:
        left, right = a.get(key), b.get(key)
        entry = left if left is not None else right
        if entry is None:
            continue
        left_value = left.value if left else None
        right_value = right.value if right else None
        x, y = raw_number(left_value), raw_number(right_value)
        difference = format_change(number(y - x), entry.unit) if x is not None and y is not None else ""
        changed = left_value != right_value
        if only_changed and not changed:
            continue
        rows.append(
            ComparedFigure(
                key=key,
                section=render_text(entry.section),
                label=" — ".join(render_text(part) for part in entry.label),
                first=format_value(left_value, entry.unit) if left else "—",
                second=format_value(right_value, entry.unit) if right else "—",
                difference=difference,
                changed=changed,
            )
        )
    return rows

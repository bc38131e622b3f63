"""The readiness report (seed 002, "gatavība mācību gadam"): a list of sections, each built from selectors.

Each section is one function of a `BuildContext` (`base`), which runs every area's selector at most once and
shares the result, so the number of queries of the whole report is fixed (it does not grow with the number of
institutions). A section returns blocks (see `reports.content`); figures are never typed here, they are read from
the selectors' results.

Every block declares the permission its reader needs (`permission`): a section declares one for its blocks, and
the blocks of another area inside it (staff, money, settlements) declare their own with `needs`.
`reports.selectors.content_for_reader` leaves out what a reader's role does not include.

The package has one module per section of seed 002: `preschool`, `general` and `interest` (part I, with the
parts they share: `special_programmes`, `staff`, `finance`), `resources` (II), `quality` and `surveys` (III),
`settlements` (IV) and `events` (IX); `builder` assembles them in order (VI-VIII are the board's text only), and
`dashboard` gives the key figures of a user's home.
"""

from __future__ import annotations

from eduboard.reports.readiness.base import (
    DATE_AREAS,
    READ_REPORT,
    REPORT_PERMISSIONS,
    Block,
    BuildContext,
    Progress,
    figure,
    figures,
    heading,
    table,
)
from eduboard.reports.readiness.builder import SECTIONS, Section, build_readiness
from eduboard.reports.readiness.dashboard import key_figures

# The report's API, read by views, renderers, the API and tests.
__all__ = [
    "DATE_AREAS",
    "READ_REPORT",
    "REPORT_PERMISSIONS",
    "SECTIONS",
    "Block",
    "BuildContext",
    "Progress",
    "Section",
    "build_readiness",
    "figure",
    "figures",
    "heading",
    "key_figures",
    "table",
]

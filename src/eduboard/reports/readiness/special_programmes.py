"""The special education programmes (for learners with special needs) the preschool and general sections list
(seed 002: "speciālā pirmsskolas izglītības programma izglītojamajiem ar valodas traucējumiem (...)")."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from eduboard.core.latvian import sort_key
from eduboard.registry.choices import SpecialNeeds
from eduboard.reports.content import T, Text
from eduboard.reports.readiness.base import Block, BuildContext, table


def special_programmes_table(ctx: BuildContext, key: str, level: str, title: Text) -> Block:
    """Special programmes of one level by category, with the institutions that run or may run them."""
    by_category: dict[str, set[str]] = defaultdict(set)
    for number_, codes in ctx.registry["special_programmes_by_institution"].items():
        for code in codes:
            _name, programme_level, needs = ctx.programmes.get(code, ("", "", ""))
            if programme_level == level:
                by_category[needs].add(ctx.name(number_))
    order = [value for value in SpecialNeeds.values if value in by_category]
    rows = [
        [T(SpecialNeeds(needs).label), len(by_category[needs]), "; ".join(sorted(by_category[needs], key=sort_key))]
        for needs in order
    ]
    return table(
        key,
        title,
        [T(_("Special needs")), T(_("Institutions")), T(_("Where"))],
        rows,
        empty=T(_("No institution runs a special programme of this level.")),
    )

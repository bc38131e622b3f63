"""Seed 002's section IX, the administrative and methodological events planned for August to November: the
school year's events from the shared calendar, then the board's text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from eduboard.reports.content import L, T
from eduboard.reports.readiness.base import Block, BuildContext, narrative, table


def section_events(ctx: BuildContext) -> list[Block]:
    """Section IX: the school year's events from the shared calendar (seed 002 lists 12), then the narrative."""
    from eduboard.events.selectors import school_year_events, when_label

    events = school_year_events(as_of=ctx.as_of, visible_to=ctx.reader)  # the board's calendar (BuildContext)
    blocks: list[Block] = []
    if events:
        blocks.append(
            table(
                "events.list",
                T(_("Events of the school year")),
                [T(_("When")), T(_("Event")), T(_("Place"))],
                # The title and the dates as written, in each language (the dates otherwise as the calendar
                # writes them); the place is a name.
                [
                    [L(event, "when_text") if event.when_text else when_label(event), L(event, "title"), event.place]
                    for event in events
                ],
            )
        )
    blocks.append(narrative("events.text", T(_("Planned events"))))
    return blocks

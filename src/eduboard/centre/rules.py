"""The centre's rules that more than one writer applies (a page's service and an importer), each written once."""

from __future__ import annotations

from django.utils.translation import gettext as _


def slot_places_problem(*, places: int, booked: int) -> str | None:
    """A slot keeps at least the places already booked in it (the database holds it too: `innovation_slot_capacity`).
    The message, or None when the places are enough."""
    if places < booked:
        return _("%(booked)d places are booked already") % {"booked": booked}
    return None

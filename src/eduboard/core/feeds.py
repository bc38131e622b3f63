"""The Atom feed every public feed is written with: summaries and contents are plain text, never HTML."""

from __future__ import annotations

from typing import Any

from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator


class TextAtom1Feed(Atom1Feed):
    """Django's Atom 1.0 feed (RFC 4287) with each entry's summary, and content when given, as `type="text"`.

    Django writes the summary as `type="html"`, so a feed reader renders what a person typed (a vacancy's
    description with `<script>` or `<b>`) as HTML. Our texts are plain text: written as text, the XML carries them
    escaped and a reader shows them as they were typed.
    """

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})  # RFC 4287: an entry's order is free
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "text"})

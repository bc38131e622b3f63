"""Stable codes of the assets area (import files and the API use them whatever the UI language)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("in stock")
    LENT = "lent", _("lent")
    IN_REPAIR = "in_repair", _("in repair")
    LOST = "lost", _("lost")
    WRITTEN_OFF = "written_off", _("written off")


#: The statuses of assets the institutions hold (the total and the value count these).
HELD_STATUSES = (AssetStatus.IN_STOCK, AssetStatus.LENT, AssetStatus.IN_REPAIR)


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("classroom")
    LABORATORY = "laboratory", _("laboratory")
    WORKSHOP = "workshop", _("workshop")
    COMPUTER_ROOM = "computer_room", _("computer room")
    GYM = "gym", _("gym")
    HALL = "hall", _("hall")
    OTHER = "other", _("other")


class ReturnCondition(models.TextChoices):
    OK = "ok", _("in order")
    DAMAGED = "damaged", _("damaged")
    LOST = "lost", _("lost")


#: The asset kinds every board starts with (code, Latvian name); the board adds more as data.
STANDARD_KINDS: list[tuple[str, str]] = [
    ("chromebook", "Chromebook dators"),
    ("laptop", "Portatīvais dators"),
    ("tablet", "Planšetdators"),
    ("interactive_screen", "Interaktīvais ekrāns"),
    ("projector", "Projektors"),
    ("robotics_kit", "Robotikas komplekts"),
    ("microscope", "Mikroskops"),
    ("other", "Cits"),
]


def ensure_standard_kinds() -> None:
    """Create the standard asset kinds that are missing (keeps the board's own edits and additions)."""
    from eduboard.assets import reference_texts
    from eduboard.assets.models import AssetKind

    for code, name in STANDARD_KINDS:
        AssetKind.objects.get_or_create(code=code, defaults={"name": name})
    reference_texts.fill()

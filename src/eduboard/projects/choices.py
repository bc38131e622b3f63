"""Stable codes of the projects area (import files and the API use them whatever the UI language)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CityRole(models.TextChoices):
    """The city's role in a project (and a partner's role in the partnership)."""

    COORDINATOR = "coordinator", _("coordinator")
    PARTNER = "partner", _("partner")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RUNNING = "running", _("running")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("outgoing")
    INCOMING = "incoming", _("incoming")


class Flow(models.TextChoices):
    STAFF_TRAINING = "staff_training", _("staff training")
    JOB_SHADOWING = "job_shadowing", _("job shadowing")
    TEACHING = "teaching", _("teaching assignment")
    LEARNERS_EXCHANGE = "learners_exchange", _("learners' exchange")
    OTHER = "other", _("other")


class MobilityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", _("grant agreement")
    INTERIM_REPORT = "interim_report", _("interim report")
    FINAL_REPORT = "final_report", _("final report")
    OTHER = "other", _("other")


#: The programmes every board starts with (code, Latvian name); the board adds more as data.
STANDARD_PROGRAMMES: list[tuple[str, str]] = [
    ("erasmus_ka1", "Erasmus+ KA1 (mācību mobilitāte)"),
    ("erasmus_ka2", "Erasmus+ KA2 (sadarbības partnerības)"),
    ("erasmus_ka220", "Erasmus+ KA220 (sadarbības partnerības)"),
    ("leonardo", "Mūžizglītības programma Leonardo da Vinci"),
    ("nordplus", "Nordplus"),
    ("cerv", "Pilsoņi, vienlīdzība, tiesības un vērtības (CERV)"),
    ("etwinning", "eTwinning"),
    ("esf", "Eiropas Sociālais fonds"),
    ("erdf", "Eiropas Reģionālās attīstības fonds"),
    ("rrf", "Atveseļošanas un noturības mehānisms"),
    ("state", "Valsts programma"),
    ("municipal", "Pašvaldības programma"),
    ("other", "Cita programma"),
]


def ensure_standard_programmes(model: object = None) -> None:
    """Create the standard programmes that are missing (keeps the board's own edits and additions)."""
    translate = model is None  # a migration before 0003 passes a historical model without the translations
    if model is None:
        from eduboard.projects.models import ProjectProgramme as model
    for code, name in STANDARD_PROGRAMMES:
        model.objects.get_or_create(code=code, defaults={"name": name})  # type: ignore[attr-defined]
    if translate:
        from eduboard.projects import reference_texts

        reference_texts.fill()

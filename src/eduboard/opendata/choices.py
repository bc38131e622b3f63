"""The open datasets' codes (they are file names and addresses: never renamed), titles and descriptions: one text
each, translated; the DCAT-AP catalogue gives it in Latvian and English (`opendata.dcat`), the page in the reader's
language."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatasetCode(models.TextChoices):
    """A dataset the board publishes."""

    INSTITUTIONS = "institutions", _("Education institutions")
    LEARNERS = "learners", _("Learners by institution, grade and language of instruction")
    GROUPS = "groups", _("Groups and free places")
    STAFF_FTE = "staff_fte", _("Staff and full-time equivalents by institution")
    COST_PER_LEARNER = "cost_per_learner", _("Cost per learner by institution")
    EXAM_RESULTS = "exam_results", _("Exam results by institution")
    CENTRE_VISITS = "centre_visits", _("Innovation centre visits by month and module")


DESCRIPTIONS: dict[str, Any] = {
    DatasetCode.INSTITUTIONS: _(
        "The institutions working on the reporting day: registration number, name, type, founder and address."
    ),
    DatasetCode.LEARNERS: _("Learners on the reporting day by institution, level, grade and language of instruction."),
    DatasetCode.GROUPS: _("Groups and classes on the reporting day: places, learners and free places."),
    DatasetCode.STAFF_FTE: _(
        "Pedagogues and all staff of each institution, and the sum of their rates (full-time equivalents)."
    ),
    DatasetCode.COST_PER_LEARNER: _(
        "Spending per learner per month by institution and programme kind in the year, computed from the data."
    ),
    DatasetCode.EXAM_RESULTS: _(
        "The latest year's exam results by institution; results where fewer than 5 sat are withheld."
    ),
    DatasetCode.CENTRE_VISITS: _("The innovation centre's visits by month and module over 12 months."),
}

#: The catalogue's (and the feed's) title and description.
CATALOG_TITLE = _("Open data of the education board")
CATALOG_DESCRIPTION = _(
    "The datasets the education board publishes on its institutions, learners, staff, costs, exam results and "
    "innovation centre."
)

"""The open datasets' codes (they are file names and addresses: never renamed)."""

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

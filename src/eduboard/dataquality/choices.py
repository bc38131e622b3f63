"""The data-quality area's value sets: the rules' codes (as issue 43 names them), severities and what started a
run."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleCode(models.TextChoices):
    """A data-quality rule; the check of each is written by the area that owns its data (`dataquality.checks`)."""

    AGE_OUTSIDE_GRADE = "age_outside_grade", _("Age outside the usual age of the grade")
    ENROLLED_BEFORE_BIRTH = "enrolled_before_birth", _("Enrolled before birth")
    LEFT_BEFORE_ENROLLED = "left_before_enrolled", _("Left before enrolling")
    TWO_OPEN_ENROLMENTS = "two_open_enrolments", _("Two enrolments in general education at once")
    GROUP_OVER_CAPACITY = "group_over_capacity", _("Group over its capacity")
    FTE_OVER_LIMIT = "fte_over_limit", _("FTE over the limit")
    STAFF_WITHOUT_EMPLOYMENT = "staff_without_employment", _("Staff member without employment")
    SPENDING_OVER_ALLOCATION = "spending_over_allocation", _("Spending over the allocation")
    EXAM_OUTLIER = "exam_outlier", _("Exam mean far from the institution's previous years")
    PERSONAL_CODE_INVALID = "personal_code_invalid", _("Personal code not valid")
    DUPLICATE_LEARNER = "duplicate_learner", _("Learner who looks like another")


class Severity(models.TextChoices):
    """How serious a finding is: an error is wrong data; a warning asks someone to look."""

    ERROR = "error", _("error")
    WARNING = "warning", _("warning")


class Trigger(models.TextChoices):
    """What started a run of the checks."""

    IMPORT = "import", _("after an import")
    NIGHTLY = "nightly", _("nightly")
    COMMAND = "command", _("check_data")
    PAGE = "page", _("from the page")

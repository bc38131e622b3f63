"""What the audit trail records, model by model: one policy for the whole system (docs/roles.md, "The audit trail").

- Every concrete model of the eduboard apps is registered with django-auditlog in its area's `apps.py` (each
  create, change and delete is recorded with the actor, the address and the fields before and after), or is listed
  in `EXEMPT` with the reason it is not. A join table of a many-to-many field is recorded by its parent (the
  field is in the parent's `m2m_fields`) or is listed in `EXEMPT`. tests/accounts/test_audit_policy.py holds
  this: a model in neither, in both, or a stale entry fails.
- `CHILDREN_PERSONAL_DATA`: models whose rows carry a child's personal data (name, personal code, birth date,
  family status, a support plan, a loan to them ...). Every bulk read of them (a list page, an API list, an export,
  a document, a picker, a search) is written to the audit trail once per request with its row count
  (core.audit.audit_bulk_read). Every model with a foreign key or a many-to-many field to `registry.Learner` is
  in it, unless `LEARNER_LINKED_NOT_PERSONAL` says why not (also held by the test).
- Writes that bypass auditlog's signals (`QuerySet.update`, `bulk_create`, `bulk_update`) write one explicit entry
  in the service that makes them (core.audit.audit_bulk_write).
"""

from __future__ import annotations

from django.db import models

CHILDREN_PERSONAL_DATA: frozenset[str] = frozenset(
    {
        "registry.Learner",  # name, personal code, birth date, declared residence, family status
        "registry.Enrolment",  # which child learns where, since when, why they left
        "registry.QueueEntry",  # a child's application for a preschool place and its priority grounds
        "registry.LearnerCorrection",  # a correction of a child's personal data: the old and the new value
        "privacy.AccessRequest",  # a request for a child's data and the answer prepared
        "assets.Loan",  # a device lent to a child
        "finance.MealContract",  # a meal contract of a child's family
        "prevention.Absence",  # a child's absences
        "prevention.TermResult",  # a child's term results
        "prevention.SupportPlan",  # a child at risk of leaving school and the support given
        "quality.LearnerResult",  # a child's exam result
        "projects.Mobility",  # the children named on a project's trip
        "competitions.Team",  # a robotics team's members: children's first names and ages
        "dataquality.DataIssue",  # a finding names the child whose record breaks a rule (name, masked code)
    }
)

# Models that point at a learner but whose rows carry nothing of the child's: none today.
LEARNER_LINKED_NOT_PERSONAL: dict[str, str] = {}

EXEMPT: dict[str, str] = {
    # Bookkeeping of the system itself: no person's or institution's data.
    "dataquality.CheckRun": "a run of the data checks: when, why and counts by rule, written once by the run",
    "dataquality.DataIssue": (
        "a finding of a run, derived from rows that are themselves audited, replaced whole by the board's next run"
    ),
    "core.DataGeneration": "a cache token renewed after every write (core.figures_cache); it holds no data",
    "core.RateCount": (
        "a counter of tries per address or account in a time window (core.public.count_up), changed on every "
        "counted request and cleaned when it expires; recording each count would flood the trail"
    ),
    "reports.FileJob": (
        "a worker's bookkeeping of one user's report file (status, error, file name), and then the record of the "
        "finished file listed on its edition; the file holds figures only, no personal data, and the edition it "
        "renders is audited"
    ),
    # Log rows: written once, never edited, each one is itself a record of who did what when.
    "registry.LearnerCorrection": (
        "the trace of a correction of a learner's personal data: old and new value, who, why; written once by "
        "registry.services.learner_save, never edited (the learner's change is audited besides)"
    ),
    "assets.AssetStatusChange": (
        "the asset's status history: each row records the status, the day and who changed it, and is never edited"
    ),
    "assets.StocktakeScan": (
        "a scan log of a stock-take (inventory number and time), written once; the stock-take is audited"
    ),
    "innovation.PointEntry": "points recorded on an anonymous visitor card at an exhibit, written once, never edited",
    # Anonymous answers: an entry per answer would record when each was given, which could tell who answered.
    "surveys.Response": "an anonymous survey response: recording when it was given could identify who answered",
    "surveys.Answer": "an answer of an anonymous survey response (see surveys.Response)",
    "surveys.AccessCode": (
        "a one-time anonymous code: recording when a code was used would link a response's time to a class list"
    ),
    # Parts recorded by their parent: the service writes one entry on the parent with the parts before and after.
    "quality.Answer": (
        "the answers of a lesson observation: recorded with the observation (quality.services.observation_record "
        "writes one entry with the answers; an import keeps them in its per-row change log)"
    ),
    "quality.AccreditationLevel": (
        "the experts' levels of an accreditation: quality.services writes one entry on the accreditation with "
        "the levels before and after"
    ),
    "quality.HeadEvaluationLevel": (
        "the levels of a head's evaluation: quality.services writes one entry on the evaluation with the levels "
        "before and after"
    ),
    # Join tables of Django's own permission system, which eduboard does not use (roles are in accounts.roles).
    "accounts.User_groups": "Django's permission groups: unused, a user's rights come from their role",
    "accounts.User_user_permissions": "Django's per-user permissions: unused, a user's rights come from their role",
}


def holds_childrens_data(model: type[models.Model]) -> bool:
    """Whether rows of `model` carry a child's personal data (their bulk reads are audited)."""
    return model._meta.label in CHILDREN_PERSONAL_DATA


def is_exempt(model: type[models.Model]) -> bool:
    """Whether `model` is left out of the audit trail on purpose (`EXEMPT` says why)."""
    return model._meta.label in EXEMPT

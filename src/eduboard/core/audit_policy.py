"""What the audit trail records, model by model: one policy for the whole system.

- `CHILDREN_PERSONAL_DATA`: models whose rows carry a child's personal data (name, personal code, birth date,
  family status, a support plan, a loan to them ...). Every bulk read of them (a list page, an API list, an export,
  a document, a picker, a search) is written to the audit trail once per request with its row count
  (core.audit.audit_bulk_read).
"""

from __future__ import annotations

from django.db import models

CHILDREN_PERSONAL_DATA: frozenset[str] = frozenset(
    {
        "registry.Learner",
        "registry.Enrolment",
        "assets.Loan",
    }
)


def holds_childrens_data(model: type[models.Model]) -> bool:
    """Whether rows of `model` carry a child's personal data (their bulk reads are audited)."""
    return model._meta.label in CHILDREN_PERSONAL_DATA

"""One audit policy (core.audit_policy): every model is audited or exempt with a reason, and every model carrying a
child's personal data has its bulk reads audited."""

from __future__ import annotations

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.db import models

from eduboard.core.audit_policy import CHILDREN_PERSONAL_DATA, EXEMPT, LEARNER_LINKED_NOT_PERSONAL
from eduboard.registry.models import Learner

pytestmark = pytest.mark.one_database


def _eduboard_models(*, join_tables: bool) -> list[type[models.Model]]:
    """The concrete models of the eduboard apps: declared ones, or the join tables Django makes for m2m fields."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.startswith("eduboard.")
        and not model._meta.abstract
        and not model._meta.proxy
        and bool(model._meta.auto_created) == join_tables
    ]


def _recorded_by_parent(join_table: type[models.Model]) -> bool:
    """Whether the model declaring the m2m field is audited with the field among its `m2m_fields`."""
    parent = join_table._meta.auto_created
    assert isinstance(parent, type)
    if not auditlog.contains(parent):
        return False
    names = {field.name for field in parent._meta.many_to_many if field.remote_field.through is join_table}
    return bool(names & set(auditlog._registry[parent]["m2m_fields"]))  # auditlog has no public reader of it


def test_every_model_is_audited_or_exempt_with_a_reason_never_both() -> None:
    declared = _eduboard_models(join_tables=False)
    assert len(declared) > 100  # the walk found the apps
    missing = [m._meta.label for m in declared if not auditlog.contains(m) and m._meta.label not in EXEMPT]
    both = [m._meta.label for m in declared if auditlog.contains(m) and m._meta.label in EXEMPT]
    assert missing == [], f"register these in their area's apps.py, or list them in EXEMPT with a reason: {missing}"
    assert both == [], f"audited and exempt at once: {both}"


def test_every_join_table_is_recorded_by_its_parent_or_exempt() -> None:
    tables = _eduboard_models(join_tables=True)
    assert tables  # Django made some
    missing = [t._meta.label for t in tables if not _recorded_by_parent(t) and t._meta.label not in EXEMPT]
    both = [t._meta.label for t in tables if _recorded_by_parent(t) and t._meta.label in EXEMPT]
    assert missing == [], f"add the field to the parent's m2m_fields, or list the table in EXEMPT: {missing}"
    assert both == []


def test_every_exemption_names_a_model_that_exists_and_says_why() -> None:
    labels = {m._meta.label for m in _eduboard_models(join_tables=False) + _eduboard_models(join_tables=True)}
    stale = sorted(set(EXEMPT) - labels)
    assert stale == [], f"EXEMPT names models that no longer exist: {stale}"
    assert all(len(reason.split()) >= 5 for reason in EXEMPT.values()), "each exemption says why in a sentence"


def _points_at_learner(model: type[models.Model]) -> bool:
    return any(
        field.is_relation and field.concrete and field.related_model is Learner
        for field in (*model._meta.fields, *model._meta.many_to_many)
    )


def test_every_model_pointing_at_a_learner_has_its_bulk_reads_audited() -> None:
    linked = {m._meta.label for m in _eduboard_models(join_tables=False) if _points_at_learner(m)}
    assert {"registry.Enrolment", "assets.Loan", "prevention.SupportPlan"} <= linked  # the walk sees the links
    unlisted = sorted(linked - CHILDREN_PERSONAL_DATA - set(LEARNER_LINKED_NOT_PERSONAL))
    assert unlisted == [], f"add to CHILDREN_PERSONAL_DATA, or to LEARNER_LINKED_NOT_PERSONAL with a reason: {unlisted}"
    assert not set(LEARNER_LINKED_NOT_PERSONAL) & CHILDREN_PERSONAL_DATA
    assert set(LEARNER_LINKED_NOT_PERSONAL) <= linked, "a stale LEARNER_LINKED_NOT_PERSONAL entry"


def test_childrens_data_names_real_models_the_learner_first() -> None:
    labels = {m._meta.label for m in _eduboard_models(join_tables=False)}
    assert "registry.Learner" in CHILDREN_PERSONAL_DATA
    assert sorted(CHILDREN_PERSONAL_DATA - labels) == []

"""The catalogue of personal data is complete: every model that points at a learner, and every model the audit policy
counts as children's personal data, is a category, found from the learner by the path the model really has."""

from __future__ import annotations

import pytest
from django.apps import apps

from eduboard.core.audit_policy import CHILDREN_PERSONAL_DATA
from eduboard.privacy.catalogue import BY_CODE, CATEGORIES
from eduboard.privacy.retention import KINDS
from eduboard.registry.models import Learner

pytestmark = pytest.mark.one_database


def relations_to_learner() -> dict[str, set[str]]:
    """model label -> the names of its foreign keys and many-to-many fields to Learner (read from the models)."""
    found: dict[str, set[str]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is Learner:
                found.setdefault(model._meta.label, set()).add(field.name)
    return found


def test_every_model_that_points_at_a_learner_is_a_category_found_by_that_relation() -> None:
    paths = {category.model: category.learner for category in CATEGORIES}
    relations = relations_to_learner()
    assert relations, "the walk found the learner's relations"
    for label, names in relations.items():
        assert label in paths, f"{label} points at a learner and is not in privacy.catalogue"
        assert paths[label] in names, f"{label} is found by {paths[label]!r}, its relations are {sorted(names)}"


def test_every_model_of_childrens_personal_data_is_a_category() -> None:
    labels = {category.model for category in CATEGORIES}
    assert CHILDREN_PERSONAL_DATA - labels == set()


def test_every_category_names_fields_its_model_has_and_every_retention_kind_a_category() -> None:
    for category in CATEGORIES:
        model = category.model_class
        for name in category.fields:
            model._meta.get_field(name)  # raises for a field the model does not have
        assert category.learner or category.not_linked, f"{category.code}: say why no learner is found in it"
    for kind in KINDS:
        assert kind.category in BY_CODE

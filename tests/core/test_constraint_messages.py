"""No internals shown: a rule the database keeps is worded for people when a form, the API or an import breaks it,
never as Django's "Constraint “allocation_unique_for_set” is violated"."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import UniqueConstraint
from django.utils import translation

from eduboard.finance.models import Allocation
from tests.finance.world import money_world

pytestmark = pytest.mark.both_databases


def test_every_constraint_django_cannot_word_has_a_message_of_its_own() -> None:
    unworded = []
    for model in apps.get_models():
        if not model.__module__.startswith("eduboard."):
            continue
        for constraint in model._meta.constraints:
            # Django words a plain unique constraint itself ("… with this … already exists").
            plain = isinstance(constraint, UniqueConstraint) and constraint.condition is None and constraint.fields
            if not plain and constraint.violation_error_message == constraint.default_violation_error_message:
                unworded.append(f"{model._meta.label} {constraint.name}")
    assert not unworded, unworded


@pytest.mark.django_db
def test_a_second_allocation_to_the_same_group_is_refused_in_words() -> None:
    money = money_world()
    first = Allocation.objects.get(pk=money.to_school.pk)
    twin = Allocation(
        year=first.year, institution=first.institution, purpose=first.purpose, source=first.source, amount=1
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert refused.value.messages == ["This institution has an allocation for this year, purpose and source already."]

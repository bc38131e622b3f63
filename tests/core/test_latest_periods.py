"""Pages with a period open on the latest period that has data, and say so (issue 15, point 3)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.quality.models import ExamSitting, LearnerResult, Subject
from eduboard.registry.models import Group, Institution, Programme

pytestmark = pytest.mark.both_databases


def test_meals_and_support_pages_open_on_the_latest_period_with_data(
    db: None, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    """Today (2026 or later) has no groups in the data below: the meals page proposes May of the latest school year
    with groups, the support list the latest year with results, and both say so; a period asked for is kept."""
    year = school_year_get_or_create(code="2023/2024")
    school = Institution.objects.create(name="Arhīva skola", type="basic", registration_number="9000000099")
    programme = Programme.objects.create(code="21011111", name="Pamatizglītība", level="basic")
    Group.objects.create(institution=school, school_year=year, programme=programme, name="3.a", grade=3)
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    meals = board.get("/finance/meals/")
    assert meals.context["form"].initial["month"] == "2024-05"
    assert "latest-note" in meals.content.decode()
    sitting = ExamSitting.objects.create(
        year=2023, exam="monitoring", subject=Subject.objects.create(name="Matemātika"), grade=3
    )
    LearnerResult.objects.create(sitting=sitting, personal_code="010115-12345", institution=school, percent=Decimal(12))
    support = board.get("/quality/exams/support/")
    assert support.context["form"].data["year"] == "2023"
    assert "latest-note" in support.content.decode()
    asked = board.get("/quality/exams/support/", {"year": "2025"})
    assert asked.context["form"].data["year"] == "2025" and "latest-note" not in asked.content.decode()

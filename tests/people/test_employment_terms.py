"""Posts by their terms (issue 40, point 1; seed 002: "Pastāvīgais darbs BJC “Jaunība” ir 84% darbiniekiem"):
`employment_terms_figures` against a plain computation of its definition over a small random world."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, EmploymentTerms, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.people.selectors import employment_terms_figures
from eduboard.registry.choices import InstitutionType
from eduboard.registry.synthetic import PersonalCodes
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
AS_OF = date(2024, 8, 19)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("who", ["board", "head"])
def test_permanent_posts_are_counted_among_the_posts_holding_on_the_day(
    seed: int, who: str, make_user: Callable[..., User]
) -> None:
    rng = random.Random(seed)
    ensure_standard_positions()
    teacher = PositionKind.objects.get(code="subject_teacher")
    centres = [InstitutionFactory(type=InstitutionType.INTEREST_EDUCATION) for _n in range(2)]
    school = InstitutionFactory(type=InstitutionType.SECONDARY_SCHOOL)
    codes = PersonalCodes()
    made = []
    for number in range(40):
        person = StaffMember.objects.create(
            personal_code=codes.for_birth_date(date(1980, 1, 1) + timedelta(days=number)), first_name="A", last_name="B"
        )
        start = AS_OF + timedelta(days=rng.randint(-900, 30))
        end = rng.choice([None, AS_OF + timedelta(days=rng.randint(-60, 300))])
        if end is not None and end < start:
            end = start
        made.append(
            Employment.objects.create(
                staff_member=person,
                institution=rng.choice([*centres, school]),
                position=teacher,
                fte=Decimal("1"),
                start_date=start,
                end_date=end,
                terms=rng.choice(EmploymentTerms.values),
            )
        )
    viewer = WHOLE_CITY if who == "board" else make_user(Role.INSTITUTION_HEAD, [centres[0]])
    scope = {c.pk for c in centres} if who == "board" else {centres[0].pk}

    found = employment_terms_figures(kind=InstitutionType.INTEREST_EDUCATION, as_of=AS_OF, visible_to=viewer)

    holding = [
        e
        for e in made
        if e.institution_id in scope and e.start_date <= AS_OF and (e.end_date is None or e.end_date >= AS_OF)
    ]
    permanent = sum(1 for e in holding if e.terms == EmploymentTerms.PERMANENT)
    expected = (
        (Decimal(permanent) * 100 / len(holding)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if holding else None
    )
    assert found == {
        "employments": len(holding),
        "permanent": permanent,
        "fixed_term": len(holding) - permanent,
        "permanent_percent": expected,
    }

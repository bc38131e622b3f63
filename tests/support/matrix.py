"""The scope matrix: which roles read which institution's rows.

Two institutions of `institution_type`: `own` (the reader's) and `foreign`. `sees` gives, for each role tested, the
sides whose rows that role reads — `{"own"}` for an institution's staff, `{"own", "foreign"}` for the board's roles
and for rows every signed-in user reads. A test that takes the argument `role` runs once for every role of the
table; one that takes `route` once for every route of `routes`.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from eduboard.accounts.models import User
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from tests.factories import InstitutionFactory, UserFactory

OWN, FOREIGN = "own", "foreign"
BOTH = frozenset({OWN, FOREIGN})
OWN_ONLY = frozenset({OWN})


class ScopeMatrix:
    institution_type: ClassVar[str] = InstitutionType.BASIC_SCHOOL
    sees: ClassVar[dict[str, frozenset[str]]]
    routes: ClassVar[tuple[str, ...]] = ("",)

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "role" in metafunc.fixturenames:
            metafunc.parametrize("role", list(self.sees))
        if "route" in metafunc.fixturenames:
            metafunc.parametrize("route", self.routes)

    @pytest.fixture
    def institutions(self, db: None) -> tuple[Institution, Institution]:
        """(own, foreign): the reader's institution and another of the same kind."""
        return (
            InstitutionFactory(name="Daugavpils Inovāciju centrs", type=self.institution_type),
            InstitutionFactory(name="Cits centrs", type=self.institution_type),
        )

    def reader(self, role: str, institutions: tuple[Institution, Institution]) -> User:
        """A user of `role` at the own institution (the board's roles hold none)."""
        return UserFactory(role=role, institutions=[institutions[0]])

    def reads(self, role: str, side: str) -> bool:
        return side in self.sees[role]

"""The teaching materials' API (/api/materials/materials/): read-only, scoped as the library's page is. Every
signed-in user reads every material, another centre's and teachers-only ones too (list and detail); a row that is not
there answers 404; the public is refused; the library's filters and sorting work; a list's queries do not grow with
its rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.centre.models import AgeBand, Module
from eduboard.competitions.reference import ensure_reference
from eduboard.materials.models import Material, MaterialVersion, MaterialVisibility
from eduboard.registry.models import Institution
from tests.factories import UserFactory
from tests.support.api import ScopedAPI, listed
from tests.support.matrix import BOTH

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

URL = "/api/materials/materials/"


def materials(centre: Institution, tag: str, count: int = 1) -> list[Material]:
    """`count` materials of `centre`, each with a current file, for the 7–10 age band of the ecology module."""
    ensure_reference()
    made = []
    for n in range(count):
        material = Material.objects.create(
            centre=centre, title=f"Ūdens {tag} {n}", author="Autors", subject="Dabaszinības",
            module=Module.objects.get(code="ecology"), visibility=MaterialVisibility.TEACHERS,
        )  # fmt: skip
        material.age_bands.set(AgeBand.objects.filter(code="7-10"))
        current = MaterialVersion.objects.create(
            material=material, number=1, file=f"innovation/materials/{tag}-{n}.pdf", filename=f"{tag}-{n}.pdf",
            kind="pdf", size=1024,
        )  # fmt: skip
        Material.objects.filter(pk=material.pk).update(current=current)
        made.append(material)
    return made


class TestMaterialsAPI(ScopedAPI):
    """The library's rule: everyone signed in reads all materials (another centre's, teachers-only ones too); only
    their centre's staff change them (on the pages)."""

    url = "/api/materials/"
    routes = ("materials",)
    institution_type = "innovation_centre"
    sees: ClassVar[dict[str, frozenset[str]]] = dict.fromkeys(
        (Role.CENTRE_STAFF, Role.INSTITUTION_STAFF, Role.OBSERVER, Role.BOARD_ANALYST), BOTH
    )
    query_role = Role.INSTITUTION_STAFF

    def rows(self, institution: Institution, tag: str, count: int = 1) -> dict[str, list[Any]]:
        return {"materials": list(materials(institution, tag, count))}

    def test_a_public_material_is_refused_to_the_public_too(
        self, institutions: tuple[Institution, Institution]
    ) -> None:
        material = materials(institutions[0], "aa")[0]
        Material.objects.filter(pk=material.pk).update(visibility=MaterialVisibility.PUBLIC)
        assert Client().get(URL).status_code in (401, 403)
        assert Client().get(f"{URL}{material.pk}/").status_code in (401, 403)

    def test_a_material_shows_its_current_file(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        material = materials(institutions[0], "aa")[0]
        bare = Material.objects.create(centre=institutions[0], title="Bez faila", author="Autors")
        reader = signed_in(UserFactory(role=Role.INSTITUTION_STAFF, institutions=[institutions[0]]))
        shown = reader.get(f"{URL}{material.pk}/").json()
        assert (shown["module"], shown["age_bands"], shown["visibility"]) == ("ecology", ["7-10"], "teachers")
        assert (shown["file_version"], shown["file_name"], shown["file_kind"], shown["file_size"]) == (
            1, "aa-0.pdf", "pdf", 1024,
        )  # fmt: skip
        empty = reader.get(f"{URL}{bare.pk}/").json()
        assert (empty["file_version"], empty["file_name"], empty["file_kind"], empty["file_size"]) == (None,) * 4

    def test_the_librarys_search_filters_and_sorting(
        self, institutions: tuple[Institution, Institution], signed_in: Callable[[User], Client]
    ) -> None:
        found = materials(institutions[0], "aa", count=3)
        found[0].refresh_from_db()
        found[0].title = "Ķīmija mājās"
        found[0].save()  # the Latvian sort key follows the title
        reader = signed_in(UserFactory(role=Role.INSTITUTION_STAFF, institutions=[institutions[0]]))
        assert [row["id"] for row in listed(reader, f"{URL}?q=kimija")] == [found[0].pk]
        ecology = Module.objects.get(code="ecology")
        assert len(listed(reader, f"{URL}?module={ecology.pk}&kind=pdf&language=lv")) == 3
        assert listed(reader, f"{URL}?visibility=public") == []
        titles = [row["title"] for row in listed(reader, f"{URL}?ordering=-title")]
        assert titles == ["Ūdens aa 2", "Ūdens aa 1", "Ķīmija mājās"]

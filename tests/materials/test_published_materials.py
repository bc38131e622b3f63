"""The teaching materials published by institutions of a type by a day (issue 40, point 1; seed 002: "BJC “Jaunība”
mājaslapā ir pieejams 21 metodiskais materiāls"): `published_materials` against a plain computation of its
definition, and an interest-education institution publishing through the service."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eduboard.core.scope import WHOLE_CITY
from eduboard.materials import services
from eduboard.materials.models import Material, MaterialVersion, MaterialVisibility
from eduboard.materials.selectors import published_materials
from eduboard.registry.choices import InstitutionType
from tests.factories import InstitutionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
AS_OF = date(2024, 8, 20)


@pytest.mark.parametrize("seed", [1, 2])
def test_published_materials_are_the_public_ones_with_a_file_first_uploaded_by_the_day(seed: int) -> None:
    rng = random.Random(seed)
    interest = InstitutionFactory(type=InstitutionType.INTEREST_EDUCATION)
    centre = InstitutionFactory(type=InstitutionType.INNOVATION_CENTRE)
    made: list[tuple[Material, date]] = []
    for number in range(12):
        material = Material(
            centre=rng.choice([interest, centre]),
            title=f"Nodarbības apraksts {number}",
            author="Metodiķi",
            visibility=rng.choice(MaterialVisibility.values),
        )
        services.material_save(
            viewer=WHOLE_CITY,
            material=material,
            expected_version=None,
            age_bands=[],
            uploaded_file=SimpleUploadedFile(f"apraksts-{number}.pdf", PDF),
        )
        first = AS_OF + timedelta(days=rng.randint(-300, 60))
        MaterialVersion.objects.filter(material=material).update(
            uploaded_at=datetime(first.year, first.month, first.day, 12, tzinfo=UTC)
        )
        if rng.random() < 0.3:  # a second version later does not move the day it was published
            services.material_version_add(
                viewer=WHOLE_CITY, material=material, uploaded_file=SimpleUploadedFile(f"v2-{number}.pdf", PDF)
            )
        made.append((material, first))

    expected = sum(
        1
        for material, first in made
        if material.centre_id == interest.pk and material.visibility == MaterialVisibility.PUBLIC and first <= AS_OF
    )
    assert (
        published_materials(institution_type=InstitutionType.INTEREST_EDUCATION, as_of=AS_OF, visible_to=WHOLE_CITY)
        == expected
    )

"""What the library reads: the materials a viewer may see (the signed-in read every material, the public only
the public ones), searched and filtered."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import QuerySet

from eduboard.centre.models import AgeBand, Module
from eduboard.core.latvian import fold, search_words
from eduboard.core.scope import Viewer
from eduboard.materials.models import Material, MaterialVisibility


def search_materials(materials: QuerySet[Material], text: str) -> QuerySet[Material]:
    """The materials whose title, description, subject or author hold every word of `text`, ignoring case and
    Latvian diacritics ("kimija" and "ĶĪMIJA" find "ķīmija"). The words are compared in Python over the rows
    already filtered (one query; the library holds hundreds of materials, not millions)."""
    words = search_words(text)
    if not words:
        return materials
    found = [
        pk
        for pk, *texts in materials.order_by().values_list("pk", "title", "description", "subject", "author")
        if all(word in fold(" ".join(t or "" for t in texts)) for word in words)
    ]
    return materials.filter(pk__in=found)


def filter_materials(materials: QuerySet[Material], filters: Mapping[str, Any]) -> QuerySet[Material]:
    """`materials` narrowed by the filters given (empty ones ignored): `q` (search), `module` and `age_band` (a
    row or its code), `language`, `kind` (of the current file), `visibility`."""
    module = filters.get("module")
    if isinstance(module, Module):
        materials = materials.filter(module=module)
    elif module:
        materials = materials.filter(module__code=str(module))
    band = filters.get("age_band")
    if isinstance(band, AgeBand):
        materials = materials.filter(age_bands=band)
    elif band:
        materials = materials.filter(age_bands__code=str(band))
    for name, lookup in (("language", "language"), ("kind", "current__kind"), ("visibility", "visibility")):
        if filters.get(name):
            materials = materials.filter(**{lookup: filters[name]})
    return search_materials(materials, str(filters.get("q") or ""))


def materials_for(*, viewer: Viewer, filters: Mapping[str, Any] | None = None) -> QuerySet[Material]:
    """The materials `viewer` may see (the signed-in: all; the public: public ones with a file), filtered (see
    `filter_materials`), with what a list shows of them, by title."""
    materials = Material.objects.visible_to(viewer)
    materials = filter_materials(materials, filters or {})
    return materials.select_related("module", "current").prefetch_related("age_bands").order_by("sort_title", "pk")


def published_materials(*, institution_type: str, as_of: date, visible_to: Viewer) -> int:
    """Teaching materials published by institutions of `institution_type` by `as_of` (one query): public ones with a
    file, whose first version was uploaded on or before that day. Seed 002: "BJC “Jaunība” mājaslapā ir pieejams 21
    metodiskais materiāls (nodarbību apraksts)"."""
    materials = Material.objects.visible_to(visible_to).filter(
        centre__type=institution_type,
        visibility=MaterialVisibility.PUBLIC,
        current__isnull=False,
        files__number=1,
        files__uploaded_at__date__lte=as_of,
    )
    return int(materials.values("pk").distinct().count())

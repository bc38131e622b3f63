"""Admin pages shared by the areas: reference data kept in three languages (core.translated)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from eduboard.core.translated import TEXT_LANGUAGES, latvian_column


def _translated_columns(model: type[models.Model]) -> list[str]:
    """The Latvian, English and Russian columns of `model`'s translated text, in that order."""
    field = str(getattr(model, "translated_field", "name"))
    return [latvian_column(model, field), *(f"{field}_{code}" for code in TEXT_LANGUAGES[1:])]


def translated_admin(model: type[models.Model]) -> type[admin.ModelAdmin[Any]]:
    """The admin of a reference list: its texts in Latvian, English and Russian side by side, the translations
    edited in the list itself, every text searchable."""
    columns = _translated_columns(model)
    key = ["code"] if any(f.name == "code" for f in model._meta.get_fields()) else []
    attributes = {
        "list_display": [*key, *columns],
        "list_display_links": [(key or columns)[0]],
        "list_editable": columns[1:],
        "search_fields": columns,
    }
    return type(f"{model.__name__}TranslatedAdmin", (admin.ModelAdmin,), attributes)


def register_translated(*translated: type[models.Model]) -> None:
    """Register each reference list's admin (an area's admin.py calls it)."""
    for model in translated:
        admin.site.register(model, translated_admin(model))

"""Reference data in the reader's language: one pattern for every kind the board keeps as data.

A translated text is three columns: the Latvian one is the record's own (`name`, or `name_lv` where a model was
built that way), and `<field>_en`, `<field>_ru` sit beside it, blank until someone translates them. Reading it,
the active language's column is taken when it is filled, else the Latvian (the fallback). Templates that show a
record (`{{ device.kind }}`) get this through `__str__`; queries that read names as values use `localized`.

Every model that follows the pattern subclasses `TranslatedText` (tests/core/test_translated.py finds them all);
the admin and the reference imports (`import_reference`) take the three columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

#: The languages a translated text has a column for, the fallback first.
TEXT_LANGUAGES = ("lv", "en", "ru")
FALLBACK = "lv"


def current_language(language: str | None = None) -> str:
    """The two-letter code of `language`, or of the active language; Latvian when it is none of ours."""
    code = (language or translation.get_language() or FALLBACK)[:2].lower()
    return code if code in TEXT_LANGUAGES else FALLBACK


def translations_of(
    verbose_name: Any, *, max_length: int | None = None, text: bool = False
) -> tuple[models.Field[Any, Any], models.Field[Any, Any]]:
    """The English and Russian columns of a translated text: `name_en, name_ru = translations_of(_("name"), …)`."""

    def column(language_name: Any) -> models.Field[Any, Any]:
        verbose = format_lazy("{} ({})", verbose_name, language_name)
        if text:
            return models.TextField(verbose, blank=True)
        return models.CharField(verbose, max_length=max_length or 255, blank=True)

    return column(_("English")), column(_("Russian"))


def latvian_column(model: type[models.Model] | models.Model, field: str) -> str:
    """The column that holds `field`'s Latvian text: `<field>_lv` where the model has one, else `<field>`."""
    names = {f.name for f in model._meta.get_fields()}
    return f"{field}_lv" if f"{field}_lv" in names else field


def text_in(obj: models.Model, field: str, language: str | None = None) -> str:
    """`obj`'s text `field` in `language` (the active one by default), the Latvian where it is not translated."""
    code = current_language(language)
    if code != FALLBACK:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return str(value)
    return str(getattr(obj, latvian_column(obj, field)) or "")


def texts_from(latvian: str, english: str = "", russian: str = "") -> dict[str, str]:
    """A text in every language of TEXT_LANGUAGES from its three columns, the Latvian where one is blank: plain
    data for what is written once and read in each language (a report's content)."""
    latvian = latvian or ""
    return {"lv": latvian, "en": english or latvian, "ru": russian or latvian}


def texts_of(obj: models.Model, field: str) -> dict[str, str]:
    """`obj`'s text `field` in every language (`texts_from` of its three columns)."""
    return {code: text_in(obj, field, code) for code in TEXT_LANGUAGES}


def localized(path: str, model: type[models.Model], language: str | None = None) -> Any:
    """A query expression for the text at `path` from `model` (e.g. "kind__name" from Asset: its kind's name) in
    the active language, the Latvian where it is blank: for `.values()` and annotations."""
    prefix, _sep, field = path.rpartition("__")
    holder = model
    for step in prefix.split("__") if prefix else []:
        holder = holder._meta.get_field(step).related_model  # type: ignore[assignment]
    latvian = (f"{prefix}__" if prefix else "") + latvian_column(holder, field)
    code = current_language(language)
    if code == FALLBACK:
        return models.F(latvian)
    return Coalesce(NullIf(models.F(f"{path}_{code}"), Value("")), models.F(latvian))


class TranslatedText(models.Model):
    """A model whose `translated_field` is kept in three languages; it reads as that text in the active language."""

    translated_field: ClassVar[str] = "name"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return text_in(self, self.translated_field)

    def in_language(self, language: str | None = None) -> str:
        """The translated text in `language` (the active one by default)."""
        return text_in(self, self.translated_field, language)


def fill_translations(model: type[models.Model], translations: Mapping[str, tuple[str, str]]) -> int:
    """Fill the blank English and Russian texts of `model`'s rows whose Latvian text `translations` knows
    (Latvian → (English, Russian)); what someone already wrote is kept. Works on a migration's historical model.
    Returns the number of rows changed."""
    field = getattr(model, "translated_field", None) or next(
        f.name.removesuffix("_en") for f in model._meta.get_fields() if f.name.endswith("_en")
    )
    latvian = latvian_column(model, field)
    changed = 0
    for row in model._default_manager.filter(**{f"{latvian}__in": list(translations)}):
        english, russian = translations[getattr(row, latvian)]
        updates = {
            name: value
            for name, value in ((f"{field}_en", english), (f"{field}_ru", russian))
            if not getattr(row, name) and value
        }
        if updates:
            model._default_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


def reference_filler(
    app_label: str, model_names: tuple[str, ...], translations: Mapping[str, tuple[str, str]]
) -> Callable[..., None]:
    """An area's `fill(get_model=apps.get_model)`: fill the blank translations of its shipped reference rows
    (`fill_translations` on each of `model_names`); a data migration passes its historical `apps.get_model`."""

    def fill(get_model: Callable[[str, str], Any] | None = None) -> None:
        if get_model is None:
            from django.apps import apps

            get_model = apps.get_model
        for name in model_names:
            fill_translations(get_model(app_label, name), translations)

    return fill

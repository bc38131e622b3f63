"""Subjects written as text in other areas (a vacancy's or an employment's subject, "ķīmija") read as the quality
area's subjects: the one definition of which Subject a text names, so that it can be shown in each language."""

from __future__ import annotations

from collections.abc import Mapping

from eduboard.core.translated import texts_from, texts_of
from eduboard.quality.models import Subject


def subject_names() -> dict[str, dict[str, str]]:
    """Every subject's name in each language (core.translated.texts_of), keyed by its Latvian name folded to lower
    case (one query; subjects are a short list): what `subject_in_languages` reads a text by."""
    return {subject.name.strip().casefold(): texts_of(subject, "name") for subject in Subject.objects.all()}


def subject_in_languages(text: str, names: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """A subject written as text, in each language: the names of the Subject the text names ignoring case (`names`
    from `subject_names`), the Latvian as the text writes it; the text itself in every language where no subject
    has that name."""
    found = names.get(text.strip().casefold())
    if found is None:
        return texts_from(text)
    return {**found, "lv": text}

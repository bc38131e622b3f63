"""Forms every area builds on: choices limited to what the viewer may change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField

from eduboard.core.scope import Viewer, scoped


class ScopedFormMixin:
    """A form whose model choices (institutions, groups, learners, staff, …) are narrowed to the rows the viewer
    may change or link to, by each model family's `editable_by(viewer)`.

    The viewer is a required argument, so a form cannot be built without one. The narrowing is applied again
    whenever a subclass or a view sets a field's queryset later, before the form is validated and before a field
    is rendered, so a choice outside the scope is neither shown nor accepted, like a choice that does not exist.
    """

    fields: dict[str, forms.Field]
    #: Fields whose choices are public reference (e.g. any preschool as a second choice), left unnarrowed.
    public_choice_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        self.viewer = viewer
        self._narrowed: dict[str, int] = {}
        super().__init__(*args, **kwargs)
        self.narrow_choices()

    def narrow_choices(self) -> None:
        """Narrow every model choice field whose queryset was set (or changed) since the last time."""
        for name, field in self.fields.items():
            if name in self.public_choice_fields or not isinstance(field, forms.ModelChoiceField):
                continue
            if field.queryset is None or self._narrowed.get(name) == id(field.queryset):
                continue
            field.queryset = scoped(field.queryset, self.viewer, editing=True)
            self._narrowed[name] = id(field.queryset)

    def full_clean(self) -> None:
        self.narrow_choices()
        super().full_clean()  # type: ignore[misc]

    def __getitem__(self, name: str) -> BoundField:
        self.narrow_choices()
        bound: BoundField = super().__getitem__(name)  # type: ignore[misc]
        return bound

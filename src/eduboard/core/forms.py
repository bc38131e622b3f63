"""Forms every area builds on: choices limited to what the viewer may change, and edits that carry a version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from eduboard.core.pickers import choose_widget
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
            choose_widget(self, name, field)  # type: ignore[arg-type]  # a search box for a long list
            self._narrowed[name] = id(field.queryset)

    def full_clean(self) -> None:
        self.narrow_choices()
        super().full_clean()  # type: ignore[misc]

    def __getitem__(self, name: str) -> BoundField:
        self.narrow_choices()
        bound: BoundField = super().__getitem__(name)  # type: ignore[misc]
        return bound


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the `version` of the row it edits (hidden), so the service refuses an edit made
    on a stale copy (`core.versions`). Every model form of the project is one (tests/core/test_versions_everywhere).

    `add_save_error` puts a service's refusal on the form: a field's error at the field, anything else (a stale
    version above all) as an error of the whole form, which is shown again with everything that was typed.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            # An edit must say which version it was made on, or a stale copy could overwrite a newer one.
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _("The form was out of date; reload the page.")

    def edited_version(self) -> int | None:
        """The version the edit was made on; None for a new row."""
        version: int | None = self.cleaned_data.get("version") if self.instance.pk else None
        return version

    def add_save_error(self, error: ValidationError) -> None:
        add_service_error(self, error)


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on a form: a field's error at the field (when the form has it), anything else (a
    stale version above all) as an error of the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields and field != "version" else None, errors)
    else:
        form.add_error(None, error)

"""Forms every area builds on: choices limited to what the viewer may change, and edits that carry a version."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from eduboard.core.pickers import choose_widget
from eduboard.core.scope import Viewer, scoped, sees_whole_city

#: The model whose rows are a viewer's scope (named by its label: core imports no area).
INSTITUTION_MODEL = "registry.Institution"


class OnlyInstitutionInput(forms.HiddenInput):
    """The institution of a viewer who has one: a hidden input carrying it, which stands for it when the page did
    not send the field (a template that lists the visible fields only). A value that is sent is still validated
    against the field's choices, so another institution is refused as before."""

    def __init__(self, only: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.only = only

    def value_from_datadict(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return self.only if value in (None, "") else value

    def value_omitted_from_data(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> bool:
        return False


class OnlyInstitutionsInput(forms.MultipleHiddenInput):
    """OnlyInstitutionInput for a field of several institutions (a project's): the one institution as its list."""

    def __init__(self, only: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.only = only

    def value_from_datadict(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return value or [self.only]

    def value_omitted_from_data(self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str) -> bool:
        return False


def _as_keys(value: Any) -> set[str]:
    """An initial value (a row, a key, a list of either, or nothing) as a set of keys."""
    if value in (None, "", [], ()):
        return set()
    values = value if isinstance(value, list | tuple | set) else [value]
    return {str(getattr(item, "pk", item)) for item in values}


class ScopedFormMixin:
    """A form whose model choices (institutions, groups, learners, staff, …) are narrowed to the rows the viewer
    may change or link to, by each model family's `editable_by(viewer)`.

    The viewer is a required argument, so a form cannot be built without one. The narrowing is applied again
    whenever a subclass or a view sets a field's queryset later, before the form is validated and before a field
    is rendered, so a choice outside the scope is neither shown nor accepted, like a choice that does not exist.

    One institution is not a choice: when the viewer's scope is not the whole city and a required institution
    field offers exactly one institution (a head of one school), the field takes it as its initial value and a
    hidden input (`OnlyInstitutionInput`), and the form's fields listed for a page leave it out; a value sent is
    still validated against the choices. An edited row of another institution keeps the choice, so that nothing
    is moved silently. With several institutions, or for the board, the field stays a choice.
    """

    fields: dict[str, forms.Field]
    #: Fields whose choices are public reference (e.g. any preschool as a second choice), left unnarrowed.
    public_choice_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        self.viewer = viewer
        self._narrowed: dict[str, int] = {}
        self._settled: dict[str, tuple[int, bool]] = {}
        self._shown_widgets: dict[str, forms.Widget] = {}
        #: The institution fields given the viewer's one institution (hidden; left out of the listed fields).
        self.only_institution_fields: set[str] = set()
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

    def settle_only_institution(self) -> None:
        """Give each required institution field whose one choice is the viewer's one institution that institution,
        hidden (see the class); run once the form is built (a view may set a queryset or `required` after
        `__init__`), again when a field's queryset or `required` changes."""
        self.narrow_choices()
        if sees_whole_city(self.viewer):
            return
        for name, field in self.fields.items():
            if name in self.public_choice_fields or not isinstance(field, forms.ModelChoiceField):
                continue
            if field.queryset is None or field.queryset.model._meta.label != INSTITUTION_MODEL:
                continue
            key = (id(field.queryset), field.required)
            if self._settled.get(name) == key:
                continue
            self._settled[name] = key
            if name in self.only_institution_fields:  # decided again on the new choices
                shown = self._shown_widgets.pop(name)
                if isinstance(field.widget, OnlyInstitutionInput | OnlyInstitutionsInput):
                    field.widget = shown
                self.only_institution_fields.discard(name)
            self._hide_only_institution(name, field)

    def _hide_only_institution(self, name: str, field: forms.ModelChoiceField) -> None:
        if not field.required:
            return
        choices = list(field.queryset.values_list("pk", flat=True)[:2])  # type: ignore[union-attr]
        if len(choices) != 1:
            return
        only = choices[0]
        if not _as_keys(self.get_initial_for_field(field, name)) <= {str(only)}:  # type: ignore[attr-defined]
            return  # an edited row of another institution: not moved silently
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        self._shown_widgets[name] = field.widget
        field.widget = OnlyInstitutionsInput(only) if multiple else OnlyInstitutionInput(only)
        field.widget.is_required = True
        self.initial[name] = [only] if multiple else only  # type: ignore[attr-defined]
        self.only_institution_fields.add(name)

    def full_clean(self) -> None:
        self.settle_only_institution()
        super().full_clean()  # type: ignore[misc]

    def __getitem__(self, name: str) -> BoundField:
        self.settle_only_institution()
        bound: BoundField = super().__getitem__(name)  # type: ignore[misc]
        return bound

    def __iter__(self) -> Iterator[BoundField]:
        """The fields a page lists: an institution that is not a choice is left out (its input stands for it)."""
        self.settle_only_institution()
        for bound in super().__iter__():  # type: ignore[misc]
            if bound.name not in self.only_institution_fields:
                yield bound


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

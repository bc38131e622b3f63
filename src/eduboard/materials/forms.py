"""Forms of the teaching materials: a material's metadata (with its first file when it is new) and a new version's
file (the public list's filters are in `filters.py`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.text import validate_no_control_characters
from eduboard.materials import rules
from eduboard.materials.models import Material

ACCEPT = ".pdf,.docx,.pptx,.png,.jpg,.jpeg,.gif,.webp,.zip"


def _file_help() -> Any:
    from django.template.defaultfilters import filesizeformat

    limit = filesizeformat(rules.max_upload_bytes())
    return (
        _(
            "PDF, DOCX, PPTX, a PNG, JPEG, GIF or WebP image, or a ZIP archive; at most %s. The type is checked by "
            "the content, not the name; programs and scripts are refused, also inside a ZIP."
        )
        % limit
    )


class MaterialForm(ScopedFormMixin, VersionedModelForm):
    """A material's metadata; a new material also takes its first file."""

    language = forms.ChoiceField(label=_("Language"), choices=rules.LANGUAGE_CHOICES, initial="lv")
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=rules.LICENCES,
        initial="CC BY 4.0",
        help_text=_(
            "Creative Commons licences let schools share the material; CC BY 4.0 asks only to name the author."
        ),
    )

    class Meta:
        model = Material
        fields = [
            "title",
            "description",
            "module",
            "age_bands",
            "subject",
            "language",
            "licence",
            "author",
            "visibility",
        ]
        widgets = {
            "age_bands": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "subject": _("e.g. fizika, ķīmija, bioloģija, matemātika"),
            "author": _("The person or organisation who made it, as it is to be credited."),
            "visibility": _("Public materials are listed on the centre's public page; teachers-only ones only here."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title", "description", "subject", "author"):
            self.fields[name].validators.append(validate_no_control_characters)
        if self.instance.pk is None:
            self.fields["file"] = forms.FileField(
                label=_("File"), help_text=_file_help(), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
            )
            self.fields["note"] = forms.CharField(
                label=_("Note on the file"), max_length=200, required=False, validators=[validate_no_control_characters]
            )


class VersionForm(forms.Form):
    """A new file of a material: its next version."""

    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    note = forms.CharField(
        label=_("What changed"),
        max_length=200,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("e.g. corrected the answers on page 3"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help()

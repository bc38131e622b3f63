"""The public verification form: a credential pasted or uploaded, and (optionally) the name it should be of."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

#: The longest credential accepted (characters or bytes): ours are a few kilobytes.
MAX_CREDENTIAL = 64 * 1024


class VerifyForm(forms.Form):
    """A credential (its compact JWT) as text or as its `.jwt` file; a name to compare with its holder's hash."""

    credential = forms.CharField(
        label=_("Credential (the text of its .jwt file)"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        required=False,
        max_length=MAX_CREDENTIAL,
    )
    file = forms.FileField(label=_("or the .jwt file"), required=False)
    name = forms.CharField(
        label=_("Holder's name (optional)"),
        required=False,
        max_length=200,
        help_text=_("The name is not in the credential, only its salted hash: type it to check whose it is."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_CREDENTIAL:
                raise forms.ValidationError(_("The file is too large to be a credential."))
            try:
                data["credential"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(_("The file is not a credential (.jwt text).")) from error
        if not (data.get("credential") or "").strip():
            raise forms.ValidationError(_("Paste the credential or choose its file."))
        return data

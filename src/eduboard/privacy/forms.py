"""Forms of the privacy area: a subject-access request, a retention rule's edit."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.core.forms import VersionedModelForm
from eduboard.privacy.models import RetentionRule


class AccessRequestForm(forms.Form):
    """Whose data is asked for (by the full personal code), who asked, when, and in which language to answer."""

    personal_code = forms.CharField(
        label=_("Learner's personal code"), max_length=12, help_text=_("DDMMYY-XXXXX, as on the request.")
    )
    requester = forms.CharField(
        label=_("Requested by"), max_length=200, help_text=_("The parent or the learner, as they signed the request.")
    )
    received_on = forms.DateField(
        label=_("Received on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The answer is due a month after this day."),
    )
    language = forms.ChoiceField(label=_("Language of the answer"), choices=settings.LANGUAGES, initial="lv")


class RetentionRuleForm(VersionedModelForm):
    """A rule's period, legal ground and use; `version` is the one the page was read at."""

    class Meta:
        model = RetentionRule
        fields = ["months", "legal_ground", "active"]

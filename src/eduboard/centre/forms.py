"""Forms of the innovation centre: the public booking form (with a honeypot), and the centre's forms for a visit,
cards and points (the catalogue's filters are in `filters.py`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from eduboard.assets.choices import AssetStatus
from eduboard.assets.models import Asset, Room
from eduboard.centre.choices import CONFIRM_GROUP_OVER, HOLDING, LANGUAGES, VisitPlace
from eduboard.centre.models import Activity, Booking, Slot, Visit
from eduboard.centre.rules import VISITOR_KINDS
from eduboard.core.forms import ScopedFormMixin, VersionedModelForm
from eduboard.core.text import validate_no_control_characters
from eduboard.people.models import StaffMember

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LANGUAGE_NAMES = {"lv": "latviešu", "ru": "русский", "en": "English"}


class BookingForm(forms.Form):
    """What a teacher gives to book a slot. `website` is a honeypot: people never see or fill it."""

    school_name = forms.CharField(label=_("School"), max_length=200, validators=[validate_no_control_characters])
    municipality = forms.CharField(
        label=_("Municipality"),
        max_length=120,
        validators=[validate_no_control_characters],
        help_text=_("e.g. Daugavpils valstspilsēta, Krāslavas novads"),
    )
    contact_name = forms.CharField(
        label=_("Teacher's name"), max_length=120, validators=[validate_no_control_characters]
    )
    email = forms.EmailField(label=_("E-mail"), help_text=_("The confirmation and your booking's link come here."))
    phone = forms.CharField(label=_("Phone"), max_length=30, validators=[validate_no_control_characters])
    group_size = forms.IntegerField(label=_("Group size (learners and teachers)"), min_value=1, max_value=200)
    grade = forms.CharField(
        label=_("Grade or age"),
        max_length=20,
        help_text=_("e.g. 5 or 10–12 years"),
        validators=[validate_no_control_characters],
    )
    language = forms.ChoiceField(label=_("Language of the session"))
    special_needs = forms.CharField(
        label=_("Special needs"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_control_characters],
    )
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = [(c, LANGUAGE_NAMES[c]) for c in languages]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


def counts_left_empty_are_zero(form: forms.BaseForm, cleaned: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """A count of visitors the form was sent without (a page or a script of before, a kind left empty) counts none;
    a count given wrong keeps its error."""
    for name in names:
        if cleaned.get(name) is None and name not in form.errors:
            cleaned[name] = 0
    return cleaned


class VisitForm(ScopedFormMixin, VersionedModelForm):
    """A visit as it happened (a booking's group, walk-in visitors or an event)."""

    class Meta:
        model = Visit
        fields = [
            "kind",
            "date",
            "school_name",
            "municipality",
            "grade",
            "learners",
            "teachers",
            "parents",
            "seniors",
            "other_adults",
            "children_under_school_age",
            "place",
            "place_name",
            "equipment_taken",
            "module",
            "age_band",
            "led_by",
            "note",
        ]
        widgets = {"date": DATE, "equipment_taken": forms.Textarea(attrs={"rows": 2})}

    #: Counted by kind since issue 44: a form sent without them (a page or a script of before) counts none of them.
    OPTIONAL_COUNTS = tuple(kind for kind in VISITOR_KINDS if kind not in ("learners", "teachers"))

    def __init__(self, *args: Any, centre_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        led_by = cast(forms.ModelMultipleChoiceField, self.fields["led_by"])
        led_by.queryset = StaffMember.objects.filter(employments__institution_id=centre_id).distinct()
        for name in (*self.OPTIONAL_COUNTS, "place"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = counts_left_empty_are_zero(self, super().clean() or {}, self.OPTIONAL_COUNTS)
        if not cleaned.get("place") and "place" not in self.errors:
            cleaned["place"] = VisitPlace.CENTRE
        return cleaned


class PointsForm(forms.Form):
    card = forms.CharField(
        label=_("Card number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    task = forms.CharField(label=_("Task"), max_length=120, validators=[validate_no_control_characters])
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=1000)


class CardLookupForm(forms.Form):
    """The public card page: the number and the secret code printed on the card."""

    number = forms.CharField(
        label=_("Card number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Secret code"),
        max_length=20,
        help_text=_("Printed on the card, e.g. ABCD-EFGH."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_number(self) -> str:
        return "".join(ch for ch in self.cleaned_data["number"] if ch.isdigit())[:12]


class CardsForm(forms.Form):
    count = forms.IntegerField(label=_("How many cards"), min_value=1, max_value=200, initial=30)
    school_name = forms.CharField(
        label=_("School"), max_length=200, required=False, validators=[validate_no_control_characters]
    )
    class_label = forms.CharField(
        label=_("Class"), max_length=40, required=False, validators=[validate_no_control_characters]
    )


PHOTO_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF")  # PNG, JPEG, WebP (checked by content)
PHOTO_MAX_BYTES = 5 * 1024 * 1024


class ActivityForm(ScopedFormMixin, VersionedModelForm):
    """An activity of the catalogue; several age bands and languages."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=[(c, LANGUAGE_NAMES[c]) for c in LANGUAGES], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Activity
        fields = [
            "code",
            "kind",
            "module",
            "age_bands",
            "duration_min",
            "places",
            "confirm_group_over",
            "languages",
            "equipment",
            "price",
            "title_lv",
            "title_en",
            "title_ru",
            "description_lv",
            "description_en",
            "description_ru",
            "photo",
            "published",
        ]
        widgets = {"age_bands": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm_group_over"].required = False  # empty: the default, CONFIRM_GROUP_OVER
        if self.instance.pk:
            self.initial["languages"] = self.instance.language_codes()

    def clean_confirm_group_over(self) -> int:
        return int(self.cleaned_data.get("confirm_group_over") or CONFIRM_GROUP_OVER)

    def clean_languages(self) -> str:
        chosen = self.cleaned_data["languages"]
        return ";".join(code for code in LANGUAGES if code in chosen)

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "read") and getattr(photo, "size", 0):
            if photo.size > PHOTO_MAX_BYTES:
                raise forms.ValidationError(_("A photo is at most 5 MB."))
            head = photo.read(12)
            photo.seek(0)
            if not any(head.startswith(signature) for signature in PHOTO_SIGNATURES) or (
                head.startswith(b"RIFF") and head[8:12] != b"WEBP"
            ):
                raise forms.ValidationError(_("The photo must be a PNG, JPEG or WebP image (checked by its content)."))
        return photo


class SlotForm(ScopedFormMixin, VersionedModelForm):
    class Meta:
        model = Slot
        fields = ["date", "start", "end", "space", "room", "places"]
        widgets = {
            "date": DATE,
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, centre_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        space = cast(forms.ModelChoiceField, self.fields["space"])
        space.queryset = (
            Room.objects.filter(institution_id=centre_id).order_by("name") if centre_id else Room.objects.none()
        )
        self.fields["room"].help_text = _("Another place, in words (when no room of the centre is chosen).")


class KitLendForm(ScopedFormMixin, forms.Form):
    """Lend the centre's kits and tablets to a visiting group: a booking's group, or one named."""

    assets = forms.ModelMultipleChoiceField(
        label=_("Kits and devices"), queryset=Asset.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    booking = forms.ModelChoiceField(label=_("Booked group"), queryset=Booking.objects.none(), required=False)
    group = forms.CharField(
        label=_("Or the group in words"), max_length=200, required=False, validators=[validate_no_control_characters],
        help_text=_("The school and class, or who took them (empty: the booking's school and grade)."),
    )  # fmt: skip
    lent_on = forms.DateField(label=_("Lent on"), widget=DATE)

    def __init__(self, *args: Any, centre_id: int, near: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assets = cast(forms.ModelMultipleChoiceField, self.fields["assets"])
        assets.queryset = (
            Asset.objects.filter(institution_id=centre_id, status=AssetStatus.IN_STOCK)
            .select_related("kind")
            .order_by("kind__code", "inventory_number")
        )
        booking = cast(forms.ModelChoiceField, self.fields["booking"])
        booking.queryset = (
            Booking.objects.filter(
                slot__activity__centre_id=centre_id,
                slot__date__range=(near - timedelta(days=7), near + timedelta(days=30)),
                status__in=HOLDING,
            )
            .select_related("slot__activity")
            .order_by("slot__date", "slot__start")
        )

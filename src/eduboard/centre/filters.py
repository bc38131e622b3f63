"""Filters of the centre's lists (one FilterSet serves the page and the API): activities, bookings and visits; the
API's slots; the public catalogue's filters. Also the API's stricter year and yes/no filters, which the centre's
other apps (competitions, courses) use too: django-filter's would take a year no date holds, or any text as "not
given", where the schema says the request is wrong."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from eduboard.centre.choices import LANGUAGES, BookingStatus, VisitKind, VisitPlace
from eduboard.centre.forms import DATE, LANGUAGE_NAMES
from eduboard.centre.models import Activity, AgeBand, Booking, Module, Slot, Visit
from eduboard.core.filters import IntegerFilter

# The years a filter by the year of a date takes: those of the API's dates (core.api.FIRST_DAY to LAST_DAY).
FIRST_YEAR, LAST_YEAR = 1900, 2100


@extend_schema_field({"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR})
class YearFilter(IntegerFilter):
    """A filter by the year of a date for the API (the competitions' and courses' `year`): a year beyond what a
    date holds is refused by name (400) instead of failing in the database, and the schema says which years."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


class StrictBooleanWidget(django_filters.widgets.BooleanWidget):
    """Reads `true` and `false` as JSON writes them; any other text is handed on as it is (to be refused)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


class StrictBooleanField(forms.NullBooleanField):
    """Yes (`true`), no (`false`) or not given (empty); anything else is refused, not read as "not given"."""

    widget = StrictBooleanWidget

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # the stubs leave out None
        if value in (True, False):
            return bool(value)
        if value in self.empty_values:
            return None
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


@extend_schema_field({"type": "boolean"})
class StrictBooleanFilter(django_filters.BooleanFilter):
    """A yes/no filter for the API: django-filter's takes any other text as "not given" and answers every row,
    where the schema says the text is wrong (400)."""

    field_class = StrictBooleanField


class BookingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=BookingStatus.choices)
    date_from = django_filters.DateFilter(
        label=gettext_lazy("From"),
        field_name="slot__date",
        lookup_expr="gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=gettext_lazy("To"),
        field_name="slot__date",
        lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    school = django_filters.CharFilter(label=gettext_lazy("School"), field_name="school_name", lookup_expr="icontains")

    class Meta:
        model = Booking
        fields = ["status", "date_from", "date_to", "school"]


class VisitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=VisitKind.choices)
    place = django_filters.ChoiceFilter(label=gettext_lazy("Place"), choices=VisitPlace.choices)
    date_from = django_filters.DateFilter(
        label=gettext_lazy("From"),
        field_name="date",
        lookup_expr="gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=gettext_lazy("To"),
        field_name="date",
        lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Visit
        fields = ["kind", "place", "date_from", "date_to"]


class ActivityFilter(django_filters.FilterSet):
    module = django_filters.CharFilter(label=gettext_lazy("Module"), field_name="module__code")
    published = django_filters.BooleanFilter(label=gettext_lazy("Published"))
    q = django_filters.CharFilter(label=gettext_lazy("Code or title"), method="search")

    class Meta:
        model = Activity
        fields = ["module", "published", "q"]

    def search(self, queryset: QuerySet[Activity], name: str, value: str) -> QuerySet[Activity]:
        value = value.strip()[:100]
        return queryset.filter(Q(code__icontains=value) | Q(title_lv__icontains=value))


class CatalogueFilter(forms.Form):
    module = forms.ChoiceField(label=_("Module"), required=False)
    age = forms.ChoiceField(label=_("Age"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", "—"), *((c, LANGUAGE_NAMES[c]) for c in LANGUAGES)]
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DATE)

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["module"]).choices = [
            ("", "—"),
            *((m.code, m.name(language)) for m in Module.objects.all()),
        ]
        cast(forms.ChoiceField, self.fields["age"]).choices = [
            ("", "—"),
            *((b.code, str(b)) for b in AgeBand.objects.all()),
        ]


class SlotFilter(django_filters.FilterSet):
    """Slots by activity (its code) and dates (the API's; the centre's pages show slots on an activity)."""

    activity = django_filters.CharFilter(label=gettext_lazy("Activity"), field_name="activity__code")
    date_from = django_filters.DateFilter(label=gettext_lazy("From"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=gettext_lazy("To"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Slot
        fields = ["activity", "date_from", "date_to"]


class ActivityApiFilter(ActivityFilter):
    """The activities page's filters for the API, `published` taking only true or false."""

    published = StrictBooleanFilter(label=gettext_lazy("Published"))

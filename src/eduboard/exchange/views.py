"""The OneRoster page: the board and the heads download their institutions' OneRoster 1.2 CSV files (a ZIP) of a
day, bulk or a delta since another day. Thin: the files are `exchange.oneroster`'s."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from eduboard.core.audit import audit_export
from eduboard.core.forms import ScopedFormMixin
from eduboard.exchange.oneroster import oneroster_roster, write_roster
from eduboard.registry.models import Institution, Learner
from eduboard.registry.selectors import default_as_of

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OneRosterForm(ScopedFormMixin, forms.Form):
    """The day of the files, a delta's first day, and one institution of the viewer's (or all of them): the base
    narrows the choices to the viewer's institutions."""

    as_of = forms.DateField(label=_("As of"), widget=DATE, help_text=_("The school year and enrolments of this day."))
    since = forms.DateField(
        label=_("Changes since"), widget=DATE, required=False, help_text=_("Empty: every row (bulk); a day: a delta.")
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.active_now().order_by("sort_name"), required=False
    )


@permission_required("registry.view_enrolment", raise_exception=True)
def oneroster_view(request: HttpRequest) -> HttpResponse:
    """The form, and with `download` the ZIP of manifest.csv and the seven files for the viewer's institutions."""
    form = OneRosterForm(
        request.GET if "as_of" in request.GET else None, initial={"as_of": default_as_of()}, viewer=request.user
    )
    if "download" in request.GET and form.is_valid():
        chosen = form.cleaned_data["institution"]
        as_of: date = form.cleaned_data["as_of"]
        roster = oneroster_roster(
            as_of=as_of,
            visible_to=request.user,
            since=form.cleaned_data["since"],
            institutions=[chosen.pk] if chosen else None,
        )
        archive = BytesIO()
        with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in write_roster(roster, Path(folder)):
                zipped.write(path, arcname=path.name)
        audit_export(request=request, model=Learner, fmt="oneroster", rows=roster.learners)
        response = HttpResponse(archive.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="oneroster-{as_of.isoformat()}.zip"'
        return response
    return render(request, "exchange/oneroster.html", {"form": form})

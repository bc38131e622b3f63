"""The home page: the public landing for visitors, the dashboard for signed-in users."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from eduboard.registry.selectors import institutions_by_type


def home_view(request: HttpRequest) -> HttpResponse:
    """Visitors see the public landing page; signed-in users their dashboard, scoped to their role."""
    if not request.user.is_authenticated:
        return render(request, "reports/landing.html")
    counts = institutions_by_type(visible_to=request.user)
    rows = [(label, counts.get(code, 0)) for code, label in InstitutionType.choices if counts.get(code)]
    sees_all = getattr(request.user, "sees_all_institutions", False)
    own = [] if sees_all else list(Institution.objects.visible_to(request.user))
    return render(
        request,
        "reports/dashboard.html",
        {"type_rows": rows, "institution_total": sum(counts.values()), "own_institutions": own, "sees_all": sees_all},
    )

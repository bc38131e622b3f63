"""The navigation: what a user sees in the menu depends on what their role may do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    """One link of the main menu."""

    label: str | Promise
    url: str
    active: bool


# (label, url name, permission needed or None for any signed-in user)
MENU: list[tuple[Promise, str, str | None]] = [
    (_("Dashboard"), "reports:home", None),
    (_("Institutions"), "registry:institution_list", "registry.view_institution"),
    (_("Learners"), "registry:learner_list", "registry.view_learner"),
    (_("Queue"), "registry:queue", "registry.view_queueentry"),
    (_("Statistics"), "registry:stats", "registry.view_institution"),
    (_("Staff"), "people:staff_list", "people.view_staffmember"),
    (_("Vacancies"), "people:vacancy_list", "people.view_vacancy"),
    (_("Training"), "people:training", "people.view_trainingrecord"),
    (_("Observations"), "quality:observation_list", "quality.view_observation"),
    (_("Exams"), "quality:exam_comparison", "quality.view_examresult"),
    (_("Finance"), "finance:overview", "finance.view_allocation"),
    (_("Reports"), "reports:edition_list", "reports.view_reportedition"),
    (_("Imports"), "core:import_index", "registry.add_group"),
    (_("Audit trail"), "accounts:audit_log", "auditlog.view_logentry"),
    (_("API"), "api-docs", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu items for the signed-in user; the public sees the published vacancies."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        url = reverse("public_vacancies")
        return {"nav_items": [NavItem(label=_("Vacancies"), url=url, active=request.path.startswith(url))]}
    items = []
    for label, url_name, perm in MENU:
        if perm is not None and not user.has_perm(perm):
            continue
        url = reverse(url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append(NavItem(label=label, url=url, active=active))
    return {"nav_items": items}

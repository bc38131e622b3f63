"""The navigation: what a user sees in the menu depends on what their role may do.

The menu is grouped per area (a dropdown each); an area whose pages the role cannot open is not shown, and an
area with one page is a plain link. The breadcrumbs of a page follow from the same menu: the dashboard, the area,
the page the path falls under.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from eduboard.accounts.roles import Role, may_compare_boards


@dataclass(frozen=True)
class NavItem:
    """One link of the main menu."""

    label: str | Promise
    url: str
    active: bool


@dataclass(frozen=True)
class NavGroup:
    """One area of the main menu: a dropdown of its pages, or a link when it has one page."""

    label: str | Promise
    items: list[NavItem] = field(default_factory=list)
    #: The dashboard: the header's brand links to it, so the menu row does not repeat it.
    home: bool = False

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


# (label, url name, permission needed, or a rule of the user, or None for any signed-in user)
Entry = tuple[Promise, str, str | Callable[[Any], bool] | None]

# (area label, its pages). An area's pages are listed in the order people use them.
MENU: list[tuple[Promise, list[Entry]]] = [
    (_("Dashboard"), [(_("Dashboard"), "reports:home", None)]),
    (
        _("Registry"),
        [
            (_("Institutions"), "registry:institution_list", "registry.view_institution"),
            (_("Learners"), "registry:learner_list", "registry.view_learner"),
            (_("Preschool queue"), "registry:queue", "registry.view_queueentry"),
            (_("Registry statistics"), "registry:stats", "registry.view_institution"),
            (_("Boards"), "registry:board_list", "registry.view_board"),
            (_("Data quality"), "dataquality:issues", "dataquality.view_dataissue"),
            (_("Census"), "dataquality:census", "dataquality.view_dataissue"),
            (_("OneRoster export"), "exchange:oneroster", "registry.view_enrolment"),
            (_("Open data"), "opendata:index", None),
            (_("Requests for a learner's data"), "privacy:request_list", "privacy.view_accessrequest"),
            (_("Record of processing"), "privacy:records", "privacy.view_retentionrule"),
            (_("Interest education"), "interest:interest_overview", "registry.view_group"),
            (_("Festival participation"), "interest:festival_list", "interest.view_festivalparticipation"),
        ],
    ),
    (
        _("People"),
        [
            (_("Staff"), "people:staff_list", "people.view_staffmember"),
            (_("Vacancies"), "people:vacancy_list", "people.view_vacancy"),
            (_("Training"), "people:training", "people.view_trainingrecord"),
        ],
    ),
    (
        _("Quality"),
        [
            (_("Lesson observation figures"), "quality:observation_stats", "quality.view_observation"),
            (_("Observations"), "quality:observation_list", "quality.view_observation"),
            (_("Exams"), "quality:exam_comparison", "quality.view_examresult"),
            (_("Self-assessments"), "quality:self_assessment_list", "quality.view_selfassessment"),
            (_("Accreditations"), "quality:accreditation_list", "quality.view_accreditation"),
            (_("Heads' evaluations"), "quality:heads", "quality.view_headevaluation"),
            (_("Surveys"), "surveys:survey_list", "surveys.view_survey"),
            (_("Early school-leaving prevention"), "prevention:overview", "prevention.view_supportplan"),
            (_("Learners at risk"), "prevention:risk_list", "prevention.view_supportplan"),
        ],
    ),
    (
        _("Finance"),
        [
            (_("Finance overview"), "finance:overview", "finance.view_allocation"),
            (_("Allocations"), "finance:allocation_list", "finance.view_allocation"),
            (_("Expenditures"), "finance:expenditure_list", "finance.view_expenditure"),
            (_("Meal compensation"), "finance:meals", "finance.view_mealrule"),
            (_("Settlements"), "finance:settlements", "finance.view_settlementline"),
            (_("Funding sources and costs"), "finance:reference", "finance.view_fundingsource"),
        ],
    ),
    (
        _("Devices"),
        [
            (_("Devices and rooms"), "assets:home", "assets.view_asset"),
            (_("Devices and equipment"), "assets:asset_list", "assets.view_asset"),
            (_("Loans"), "assets:loan_list", "assets.view_loan"),
            (_("Lend to a whole class"), "assets:bulk_loan", "assets.add_loan"),
            (_("Returns by scanning"), "assets:returns", "assets.change_loan"),
            (_("Licences"), "assets:licence_list", "assets.view_licence"),
            (_("Rooms"), "assets:room_list", "assets.view_room"),
            (_("Stock-takes"), "assets:stocktake_list", "assets.view_stocktake"),
        ],
    ),
    (
        _("Projects"),
        [
            (_("Project portfolio"), "projects:project_list", "projects.view_project"),
            (_("Deadlines calendar"), "projects:calendar", "projects.view_project"),
            (_("Partner countries"), "projects:countries", "projects.view_project"),
            (_("Mobilities"), "projects:mobility_list", "projects.view_mobility"),
        ],
    ),
    (
        _("Innovation centre"),
        [
            (_("Activities"), "innovation:activity_list", "innovation.view_activity"),
            (_("Bookings"), "innovation:booking_list", "innovation.view_booking"),
            (_("Schedule"), "innovation:schedule", "innovation.view_slot"),
            (_("Visits"), "innovation:visit_list", "innovation.view_visit"),
            (_("Visitor cards"), "innovation:cards", "innovation.add_card"),
            (_("Record points"), "innovation:points", "innovation.add_pointentry"),
            (_("Leaderboards"), "innovation:leaderboard", "innovation.view_pointentry"),
            (_("Rooms and equipment"), "innovation:equipment", "innovation.view_kitloan"),
            (_("Student companies"), "innovation:company_list", "innovation.view_studentcompany"),
            (_("Student companies' fairs"), "innovation:fair_list", "innovation.view_fair"),
            (_("Camps, hackathons, conferences"), "innovation:programme_event_list", "innovation.view_programmeevent"),
            (_("Partners of the centre"), "innovation:partner_list", "innovation.view_centrepartner"),
            (_("Robotics competitions"), "competitions:competition_list", "competitions.view_competition"),
            (_("Courses for teachers"), "courses:course_list", "courses.view_course"),
            (_("Teaching materials"), "materials:material_list", "materials.view_material"),
            (_("Events calendar"), "events_month", "events.view_event"),
        ],
    ),
    (
        _("Reports"),
        [
            (_("Readiness report"), "reports:edition_list", "reports.view_reportedition"),
            (_("National comparison"), "reports:national", may_compare_boards),
            (_("Imports"), "core:import_index", "registry.add_group"),
            (_("Audit trail"), "accounts:audit_log", "auditlog.view_logentry"),
        ],
    ),
]

# Roles that work with the API (tokens, bulk reads and writes): the menu offers them its documentation.
API_ROLES = frozenset({Role.BOARD_ADMIN, Role.BOARD_ANALYST, Role.INSTITUTION_HEAD})
# The board's people get the search box in the header (core.pickers.search_view: every register at once).
SEARCH_ROLES = frozenset({Role.BOARD_ADMIN, Role.BOARD_ANALYST})


@cache
def _address(url_name: str, resolver: URLResolver, prefix: str) -> str:
    """A menu page's address, reversed once per URL configuration and script prefix (a page's menu names some sixty
    pages: reversing them all for every page took a few milliseconds of it)."""
    return reverse(url_name)


def _menu_address(url_name: str) -> str:
    return _address(url_name, get_resolver(get_urlconf()), get_script_prefix())


def _is_active(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


def _initials(user: Any) -> str:
    """One or two letters for the compact user menu: the first and last name's first letters, else the username's."""
    letters = "".join(part[:1] for part in (user.first_name, user.last_name) if part)
    return (letters or user.get_username()[:2]).upper()


def _area_crumbs(groups: list[NavGroup], path: str) -> list[NavItem]:
    """The crumbs of a page under no menu entry of the user: the dashboard, and the area whose first page shares
    the page's first path segment (/quality/forms/ is under Quality), when the user's menu has one."""
    home = groups[0].items[0]
    crumbs = [NavItem(label=home.label, url=home.url, active=False)]
    segment = path.strip("/").split("/", 1)[0]
    for group in groups[1:]:
        if segment and group.items[0].url.strip("/").split("/", 1)[0] == segment:
            label = group.label if len(group.items) > 1 else group.items[0].label
            crumbs.append(NavItem(label=label, url=group.items[0].url, active=False))
            break
    return crumbs


def breadcrumbs_for(groups: list[NavGroup], path: str) -> list[NavItem]:
    """The menu's crumbs of the page at `path`: the dashboard, the area and the menu page the path falls under
    (the page itself marked current when it is that menu page); empty when no menu page holds the path."""
    home = groups[0].items[0]
    if path == home.url:
        return [NavItem(label=home.label, url=home.url, active=True)]
    # Of several matching pages (/finance/ and /finance/meals/), the longest address is the page we are on.
    matches = [(group, item) for group in groups for item in group.items if item.active and item.url != home.url]
    if not matches:
        return []
    group, item = max(matches, key=lambda match: len(match[1].url))
    crumbs = [NavItem(label=home.label, url=home.url, active=False)]
    if len(group.items) > 1:
        crumbs.append(NavItem(label=group.label, url=group.items[0].url, active=False))
    if item.url != path or len(group.items) > 1:
        crumbs.append(NavItem(label=item.label, url=item.url, active=item.url == path))
    return crumbs


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu groups for the signed-in user and the breadcrumbs of the page; the public sees the published
    vacancies.

    `breadcrumbs` are the menu's crumbs of the page (empty when it is under no menu page of the user: a page with
    crumbs of its own then adds its list page after `area_crumbs`, the dashboard and the area), so every signed-in
    page has a trail back (templates/includes/crumbs.html)."""
    user = getattr(request, "user", None)
    path = request.path
    if user is None or not user.is_authenticated:
        url = reverse("public_vacancies")
        item = NavItem(label=_("Vacancies"), url=url, active=path.startswith(url))
        return {
            "nav_groups": [NavGroup(label=item.label, items=[item])],
            "breadcrumbs": [],
            "area_crumbs": [],
            "user_links": [],
        }
    groups: list[NavGroup] = []
    for label, entries in MENU:
        items = []
        for item_label, url_name, perm in entries:
            if perm is not None and not (perm(user) if callable(perm) else user.has_perm(perm)):
                continue
            url = _menu_address(url_name)
            items.append(NavItem(label=item_label, url=url, active=_is_active(path, url)))
        if items:
            groups.append(NavGroup(label=label, items=items, home=not groups))
    breadcrumbs = breadcrumbs_for(groups, path)
    user_links = [NavItem(label=_("Change password"), url=reverse("accounts:password_change"), active=False)]
    if getattr(user, "role", None) in API_ROLES:
        user_links.append(NavItem(label=_("API token"), url=reverse("accounts:api_token"), active=False))
        user_links.append(NavItem(label=_("API documentation"), url=reverse("api-docs"), active=False))
    if getattr(user, "role", None) == Role.BOARD_ADMIN:
        user_links.append(NavItem(label=_("Back office"), url=reverse("admin:index"), active=False))
    return {
        "nav_groups": groups,
        "nav_home": groups[0].items[0],
        "breadcrumbs": breadcrumbs,
        "area_crumbs": [] if breadcrumbs else _area_crumbs(groups, path),
        "user_links": user_links,
        "user_initials": _initials(user),
        "global_search": getattr(user, "role", None) in SEARCH_ROLES,
    }

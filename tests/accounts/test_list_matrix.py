"""The permission matrix of everything that shows rows in bulk: every list, its `?export=`, every document, every
picker and the search, as every role and as the public (issue 37, point 2).

Each list is mapped (LIST_PAGES) to the kind of row it shows and to what it shows of a row (a name, an inventory
number): institution A's row must be there for every role that may read the list and reads A's rows, institution
B's row only for the board's roles (`sees`, written from the roles' description); a role without the list's
permission is refused; the public is sent to sign in. The public pages (PUBLIC_PAGES) show published rows only.

Every URL the project routes is in exactly one table: OBJECT_PAGES and QUERY_PAGES (pages that name a row,
tests/accounts/test_permission_matrix.py), LIST_PAGES, PUBLIC_PAGES or NO_OBJECT_PAGES (pages that show no
institution's rows, each with its reason); a new URL in none of them fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from eduboard.accounts.roles import Role
from eduboard.core.pickers import KINDS
from tests.accounts.matrix_world import World, build_world, sign_in
from tests.accounts.test_permission_matrix import (
    ANONYMOUS,
    CALLERS,
    DETAIL_ACTIONS,
    DETAIL_BASENAMES,
    LIST_BASENAMES,
    OBJECT_PAGES,
    QUERY_PAGES,
    has_perm,
    sees,
    url_patterns,
)

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

Marker = Callable[[Any], str]


@dataclass(frozen=True)
class ListPage:
    """A page that shows rows of one kind in bulk (a list, a table of figures, a document)."""

    kind: str  # the world's kind of row: `sees(kind, side, role)` says who reads A's and B's
    perm: str | None  # the permission the page asks for (None: signed in is enough)
    marker: Marker  # what the page shows of a row of `marker_kind`
    exports: tuple[str, ...] = ()  # the formats of `?export=`
    marker_kind: str = ""  # the row the marker is read from, when not the row of `kind`
    export_marker: Marker | None = None  # what the export shows of the row, when not `marker`
    query: Callable[[World], dict[str, str]] | None = None  # a document's query (the rows it is asked for)

    def row(self, world: World, side: str) -> Any:
        pair = world.pairs[self.marker_kind or self.kind]
        return pair.own if side == "own" else pair.foreign


CSV = ("csv",)
BOTH = ("csv", "xlsx")


def name(row: Any) -> str:
    return str(row.name)


def learner_name(issue: Any) -> str:
    """A data-quality finding's learner by name ("Anna Zinātne" of "Anna Zinātne (010317-*****)")."""
    return str(issue.params["learner"]).split(" (")[0]


def institution_name(row: Any) -> str:
    return str(row.institution.name)


def last_name(row: Any) -> str:
    return str(row.last_name)


LIST_PAGES: dict[str, ListPage] = {
    # lists and their exports
    "registry:institution_list": ListPage(
        "institution", "registry.view_institution", lambda i: i.registration_number, BOTH
    ),
    "registry:learner_list": ListPage("learner", "registry.view_learner", last_name, BOTH),
    "registry:queue": ListPage("queueentry", "registry.view_queueentry", lambda q: q.child.first_name, CSV),
    "interest:club_list": ListPage("club", "registry.view_club", name, CSV),
    "interest:interest_groups": ListPage("interestgroup", "registry.view_group", name, CSV),
    "interest:municipal_licence_list": ListPage(
        "municipallicence", "registry.view_municipallicence", lambda m: m.number, CSV
    ),
    "interest:festival_list": ListPage(
        "festivalparticipation", "interest.view_festivalparticipation", lambda f: f.festival, CSV
    ),
    "people:staff_list": ListPage("staffmember", "people.view_staffmember", last_name, CSV),
    "people:vacancy_list": ListPage("vacancy", "people.view_vacancy", lambda v: v.subject, CSV),
    # who lacks a required training: the heads of A and B (their teachers have theirs)
    "people:training": ListPage(
        "staffmember", "people.view_trainingrecord", lambda s: s.first_name, CSV, marker_kind="head"
    ),
    "finance:allocation_list": ListPage("allocation", "finance.view_allocation", institution_name, CSV),
    "finance:expenditure_list": ListPage("expenditure", "finance.view_expenditure", lambda e: e.document, CSV),
    "quality:observation_list": ListPage("observation", "quality.view_observation", lambda o: o.teacher.last_name, CSV),
    "quality:exam_result_list": ListPage("examresult", "quality.view_examresult", institution_name, CSV),
    "quality:self_assessment_list": ListPage("selfassessment", "quality.view_selfassessment", institution_name, CSV),
    "quality:accreditation_list": ListPage("accreditation", "quality.view_accreditation", institution_name, CSV),
    # the self-assessment report's tables (issue 40), read with the self-assessment
    "quality:qualification_exam_list": ListPage(
        "qualificationexamresult", "quality.view_selfassessment", lambda r: r.qualification, BOTH
    ),
    "quality:interest_participation_list": ListPage(
        "interestparticipation", "quality.view_selfassessment", lambda r: r.activity, CSV
    ),
    "quality:graduate_employment_list": ListPage(
        "graduateemployment", "quality.view_selfassessment", lambda r: r.programme_name, CSV
    ),
    "quality:inspection_list": ListPage("inspection", "quality.view_selfassessment", lambda r: r.address, CSV),
    "quality:recommendation_list": ListPage(
        "recommendation", "quality.view_selfassessment", lambda r: r.follow_up, CSV
    ),
    # a pupil of A and one of B below the threshold in the world's monitoring test (its year asked for)
    "quality:support_list": ListPage(
        "learnerresult",
        "quality.view_learnerresult",
        lambda r: f"{r.learner.first_name} {r.learner.last_name}",
        query=lambda world: {"year": str(world.own("learnerresult").sitting.year)},
    ),
    # A's and B's self-assessments of the world's year are not submitted: both late once their due date has passed
    "quality:self_assessment_late": ListPage(
        "selfassessment",
        "quality.view_selfassessment",
        institution_name,
        query=lambda world: {"year": world.own("selfassessment").school_year.code},
    ),
    "assets:asset_list": ListPage("asset", "assets.view_asset", lambda a: a.inventory_number, CSV),
    # loans to children: a loan to a pupil of A and one to a pupil of B
    "assets:loan_list": ListPage("loan", "assets.view_loan", lambda loan: loan.learner.last_name, BOTH),
    "assets:licence_list": ListPage("licence", "assets.view_licence", lambda lic: lic.product, CSV),
    "assets:room_list": ListPage("room", "assets.view_room", name, CSV),
    "projects:project_list": ListPage("project", "projects.view_project", lambda p: p.title, CSV),
    "projects:mobility_list": ListPage("mobility", "projects.view_mobility", lambda m: m.host_city, CSV),
    # the projects' deadlines in a period around them (the default period runs from a month ago)
    "projects:calendar": ListPage(
        "deadline",
        "projects.view_project",
        lambda d: d.title,
        BOTH,
        query=lambda world: {
            "date_from": (world.own("deadline").due_on - timedelta(days=7)).isoformat(),
            "date_to": (world.own("deadline").due_on + timedelta(days=7)).isoformat(),
        },
    ),
    "innovation:booking_list": ListPage("booking", "innovation.view_booking", lambda b: b.school_name, CSV),
    "innovation:visit_list": ListPage("visit", "innovation.view_visit", lambda v: v.school_name, CSV),
    "innovation:activity_list": ListPage("activity", "innovation.view_activity", lambda a: a.code, CSV),
    "innovation:company_list": ListPage("studentcompany", "innovation.view_studentcompany", lambda c: c.name, CSV),
    "innovation:fair_list": ListPage("fair", "innovation.view_fair", lambda f: f.title, CSV),
    "innovation:programme_event_list": ListPage(
        "programmeevent", "innovation.view_programmeevent", lambda e: e.title, CSV
    ),
    "innovation:partner_list": ListPage("centrepartner", "innovation.view_centrepartner", lambda p: p.name, CSV),
    "competitions:competition_list": ListPage(
        "competition", "competitions.view_competition", lambda c: c.title_lv, CSV, export_marker=lambda c: c.code
    ),
    "competitions:team_list": ListPage("team", "competitions.view_team", name, CSV),
    "courses:course_list": ListPage("course", "courses.view_course", lambda c: c.title, CSV),
    "courses:course_participant_list": ListPage("participant", "courses.view_participant", name, CSV),
    "materials:material_list": ListPage("material", "materials.view_material", lambda m: m.title, CSV),
    # the next two weeks' slots (the world's are tomorrow), by their activity's title
    "innovation:schedule": ListPage("slot", "innovation.view_slot", lambda s: s.activity.title_lv),
    # issuing cards (the user's centre: World.centre) and the latest cards of the centres in scope
    "innovation:cards": ListPage("card", "innovation.add_card", lambda c: c.number),
    # points of this month per school the cards were given to
    "innovation:leaderboard": ListPage("pointentry", "innovation.view_pointentry", lambda e: e.card.school_name),
    "accounts:api_token": ListPage("apitoken", None, name),
    # tables of figures, a row per institution (or per person)
    "registry:stats": ListPage("institution", "registry.view_institution", name),
    "interest:interest_overview": ListPage("club", "registry.view_club", name),
    "finance:overview": ListPage("institution", "finance.view_allocation", name),
    # a month asked: a head's one institution is not a choice (no list of names), the computation names it
    "finance:meals": ListPage("institution", "finance.view_mealrule", name, query=lambda world: {"month": "2024-10"}),
    "quality:observation_stats": ListPage("institution", "quality.view_observation", name),
    "quality:exam_comparison": ListPage("institution", "quality.view_examresult", name),
    "quality:heads": ListPage("headevaluation", "quality.view_headevaluation", lambda e: e.head.first_name),
    "assets:stocktake_list": ListPage("stocktake", "assets.view_stocktake", institution_name),
    "prevention:risk_list": ListPage("institution", "prevention.view_supportplan", name),
    # a finding names its learner (the name; the masked code beside it is kept on one line in its own span)
    "privacy:request_list": ListPage(
        "accessrequest", "privacy.view_accessrequest", lambda r: r.learner.last_name, BOTH
    ),
    "dataquality:issues": ListPage("dataissue", "dataquality.view_dataissue", lambda d: learner_name(d), BOTH),
    "dataquality:census": ListPage("institution", "dataquality.view_dataissue", name),
    # the review queue: each candidate's two records (the world's finding names its learner twice)
    "dataquality:duplicates": ListPage("dataissue", "dataquality.view_dataissue", lambda d: learner_name(d)),
    # documents (PDF): the devices' labels, the loan agreements asked for by id (A's and B's)
    "assets:labels": ListPage("asset", "assets.view_asset", lambda a: a.inventory_number),
    "assets:agreements": ListPage(
        "loan",
        "assets.view_loan",
        lambda loan: loan.learner.last_name,
        query=lambda world: {"loans": f"{world.own('loan').pk},{world.foreign('loan').pk}"},
    ),
}


@dataclass(frozen=True)
class PublicPage:
    """A page anyone reads without signing in; `kind`: it lists rows of that kind, the published only."""

    reason: str
    kind: str = ""
    marker: Marker | None = None
    args: dict[str, str] = field(default_factory=dict)


PUBLISHED_VACANCY = "public-vacancy"  # A's vacancy is published, B's is not
PUBLIC_PAGES: dict[str, PublicPage] = {
    "favicon": PublicPage("the site's icon: a redirection to static/favicon.svg, no data"),
    "opendata:index": PublicPage("the published open datasets: figures only, no person's rows"),
    "opendata:catalog": PublicPage("as opendata:index, the DCAT-AP catalogue"),
    "opendata:feed": PublicPage("as opendata:index, an Atom feed of the datasets' versions"),
    "opendata:file": PublicPage(
        "public: a board's code and a dataset's; figures only, small cells withheld (tests/opendata)"
    ),
    "public_vacancies": PublicPage("published vacancies", PUBLISHED_VACANCY, lambda v: v.subject),
    "public_vacancies_atom": PublicPage("as public_vacancies, a feed", PUBLISHED_VACANCY, lambda v: v.subject),
    "public_vacancies_json": PublicPage("as public_vacancies, a feed", PUBLISHED_VACANCY, lambda v: v.subject),
    "reports:home": PublicPage("the public's landing page; signed in, the dashboard of the user's figures"),
    "api-schema": PublicPage("the API's description, no data"),
    "api-docs": PublicPage("as api-schema"),
    "accounts:login": PublicPage("signing in"),
    "accounts:password_reset": PublicPage("asking for a password-reset e-mail"),
    "accounts:password_reset_done": PublicPage("a message"),
    "accounts:password_reset_complete": PublicPage("a message"),
    "accounts:password_reset_confirm": PublicPage("the user id and one-time token of a password-reset e-mail"),
    "set_language": PublicPage("sets the language of the session"),
    "api-health": PublicPage("the service's health, no data"),
    "answer_root": PublicPage("surveys: the public's answering starts here"),
    "answer_start": PublicPage("public: a language, no row (a code typed in the body)"),
    "answer_link": PublicPage("public: a random link token, no signed-in scope"),
    "answer_form": PublicPage("public: a survey's code; the answer is the one this device's signed cookie names"),
    "centre_root": PublicPage("the centre's public site: a redirect to a language"),
    "centre_sitemap": PublicPage("published activities' addresses"),
    "centre_catalogue": PublicPage("public: a language; published activities only"),
    "centre_activity": PublicPage("public: a published activity's code and its free places"),
    "centre_book": PublicPage("public: a slot of a published activity; it books, it reads no one's data"),
    "centre_booking": PublicPage("public: the random token of the teacher's own booking (tests/centre)"),
    "centre_card": PublicPage("public: a language; a card's number in the query shows its points, never a name"),
    "centre_competitions": PublicPage("public: published competitions"),
    "centre_competition": PublicPage("public: a competition's code; teams by team, school and robot, no child"),
    "centre_competition_live": PublicPage("as centre_competition (the results part it fetches again)"),
    "centre_competition_register": PublicPage("public: a competition's code; it registers a team"),
    "centre_certificate": PublicPage("public: a certificate's random key; its number, holder, course and hours"),
    "centre_credential": PublicPage("public: a credential's random key (a certificate's); no name, only its hash"),
    "centre_credential_jwt": PublicPage("as centre_credential, the signed credential to download"),
    "centre_credential_json": PublicPage("as centre_credential, its content to download"),
    "centre_credential_verify": PublicPage("public: a credential pasted or uploaded is verified; no row is listed"),
    "centre_credential_issuer": PublicPage("public: a centre's issuer profile, its name and public keys only"),
    "centre_credential_key": PublicPage("public: a public signing key (JWK) by its id"),
    "centre_material_list": PublicPage("public: the public materials"),
    "centre_material_download": PublicPage("public: a public material's file; a teachers-only one answers 404"),
    "events_ical": PublicPage("the public events calendar"),
    "events_atom": PublicPage("the public events calendar as a feed"),
    "innovation:schedule_feed": PublicPage("a user's signed key (a calendar cannot sign in); that user's centre"),
}

# URLs that show no institution's rows (forms for new rows, sign-in, figures of the city, reference data), or name a
# row in a way the other tables cannot fill; each with its reason.
NO_OBJECT_PAGES: dict[str, str] = {
    "opendata:publish": "POST: publishes the open data of the caller's boards (opendata.add_publication); no rows",
    "reports:edition_list": "the board's report editions (a published one is everyone's); their pages in OBJECT_PAGES",
    "reports:job": "a random job id (FileJob); reports.views._job answers 404 unless it is the caller's",
    "reports:job_file": "a job id; 404 unless the caller's file, or a finished file of an edition the caller may open "
    "whose figures their role includes (reports.selectors.file_jobs_readable)",
    "accounts:logout": "signing out",
    "accounts:password_change": "the user's own password",
    "accounts:password_change_done": "a message",
    "accounts:otp_setup": "the user's own second factor",
    "accounts:otp_verify": "as accounts:otp_setup",
    "accounts:reauthenticate": "the user's own password again",
    "accounts:audit_log": "the trail of every change: the board administrator's only (auditlog.view_logentry)",
    "registry:queue_register": "a form for a new row",
    "interest:club_add": "a form for a new row",
    "interest:municipal_licence_add": "a form for a new row",
    "interest:festival_add": "a form for a new row",
    "people:staff_create": "a form for a new row",
    "people:vacancy_create": "a form for a new row",
    "finance:allocation_create": "a form for a new row",
    "finance:meal_rule_create": "a form for a new row",
    "finance:settlements": "the city's settlements with other municipalities (no institution's rows)",
    "finance:settlement_lines": "as finance:settlements: lines per municipality, the board's",
    "finance:catering_list": "the city's catering contracts (reference data, no institution's rows)",
    "finance:catering_create": "a form for a new row",
    "quality:observation_create": "a form for a new row",
    "quality:form_list": "the city's observation forms (reference data)",
    "quality:self_assessment_start": "a form for a new row: starts the viewer's own institution's self-assessment",
    "quality:qualification_exam_new": "a form for a new row",
    "quality:interest_participation_new": "a form for a new row",
    "quality:graduate_employment_new": "a form for a new row",
    "quality:inspection_new": "a form for a new row",
    "quality:recommendation_new": "a form for a new row",
    "core:import_index": "the importers the user may run",
    "core:import_start": "names an importer (area and kind), not a row; the importer's permission decides",
    "core:import_template": "as core:import_start, and the file format",
    "assets:home": "links",
    "assets:bulk_loan": "a form for new rows",
    "assets:returns": "a form for returns (a device is typed in)",
    "projects:project_add": "a form for a new row",
    "projects:document": "a document's file; answers only documents in scope (ProjectDocument.objects.visible_to)",
    "projects:countries": "mobilities counted per country (no institution named)",
    "surveys:survey_list": "the board's city-wide surveys (no institution's rows)",
    "api-survey-stats": "names a survey (city-wide); its figures are counted over the caller's institutions only",
    "surveys:survey_detail": "as api-survey-stats (tests/surveys/test_answering.py: results and exports)",
    "surveys:survey_edit": "names a survey (city-wide); the board's only (surveys.change_survey)",
    "surveys:survey_copy": "as surveys:survey_edit (surveys.add_survey)",
    "surveys:survey_codes": "names a survey; institutions offered and codes listed are the caller's (test_answering)",
    "surveys:code_sheet": "names a survey and an institution in its query, looked up in the caller's scope only",
    "prevention:overview": "links and the city's rules",
    "prevention:rules": "the city's risk rules (reference data)",
    "dataquality:rules": "the board's data-quality rules (the board's reference data, no institution's rows)",
    "privacy:retention": "the deployment's retention rules (reference data of the board, no institution's rows)",
    "privacy:records": "the record of processing: categories, roles, rules and counts, no person's rows",
    "privacy:request_new": "the form that prepares an answer; the learner is found by code within the caller's scope",
    "dataquality:rule_edit": "names a rule among the caller's boards': editable_by (tests/dataquality/test_pages.py)",
    "exchange:oneroster": "a form; its ZIP is of the caller's institutions: visible_to (tests/exchange)",
    "dataquality:run": "starts the checks of the caller's boards (dataquality.change_qualityrule); shows no rows",
    "finance:reference": "the board's funding sources and approved costs (reference data, no institution's rows)",
    "finance:source_create": "a form for a new row",
    "finance:cost_create": "a form for a new row",
    "innovation:activity_add": "a form for a new row",
    "innovation:visit_add": "a form for a new row",
    "innovation:company_add": "a form for a new row",
    "innovation:fair_add": "a form for a new row",
    "innovation:programme_event_add": "a form for a new row",
    "innovation:partner_add": "a form for a new row",
    "innovation:equipment": "the rooms, devices and group loans of the viewer's own centre "
    "(centre.selectors.user_centre), read through scoped_rows (tests/centre/test_rooms_and_equipment.py)",
    "innovation:points": "a form recording points on a card typed or scanned in; it shows no rows",
    "competitions:competition_add": "a form for a new row",
    "courses:course_add": "a form for a new row",
    "materials:material_add": "a form for a new row",
    "materials:material_download": "names a material, read by everyone signed in; its file (test_materials)",
    "materials:material_version_download": "as materials:material_download, an older version's file",
    "materials:material_version_add": "names a material read by all; a new file needs its centre (test_materials)",
    "events_month": "the calendar, read by everyone signed in (events are the city's)",
    "events_add": "a form for a new row",
    "api-root": "the API's index",
    "api-me": "the caller's own account",
    "api-registry-stats": "figures through selectors with visible_to",
    "api-people-stats": "as api-registry-stats",
    "api-reports-readiness": "as api-registry-stats",
    "api-finance-stats": "as api-registry-stats",
    "api-finance-settlement-summary": "as api-registry-stats (the board's)",
    "api-finance-board-settlements": "as api-registry-stats, the pairs of the caller's boards (test_board_settlements)",
    "reports:national": "figures per board, the boards the caller works for (tests/reports/test_national.py)",
    "registry:board_list": "the boards the caller works for: editable_by (tests/registry/test_boards.py)",
    "registry:board_edit": "names a board by code among the caller's: editable_by (tests/registry/test_boards.py)",
    "api-assets-stats": "as api-registry-stats",
    "api-projects-stats": "as api-registry-stats",
    "api-innovation-stats": "as api-registry-stats",
    "quality-stats-heads": "as api-registry-stats",
    "quality-stats-self-assessment": "as api-registry-stats",
    "quality-stats-support-list": "as api-registry-stats",
    "learner-transfer": "names the learner by the full personal code in the body: test_transfer_answers_alike_…",
    "picker": "every kind of the registry in PICKERS: test_picker_answers_by_role_and_scope",
    "search": "the search over every picker kind: test_search_answers_by_role_and_scope",
}  # fmt: skip

# --- every URL is in exactly one table


def test_every_url_is_in_the_matrix() -> None:
    tables: dict[str, set[str]] = {
        "OBJECT_PAGES": set(OBJECT_PAGES),
        "QUERY_PAGES": set(QUERY_PAGES),
        "LIST_PAGES": set(LIST_PAGES),
        "PUBLIC_PAGES": set(PUBLIC_PAGES),
        "NO_OBJECT_PAGES": set(NO_OBJECT_PAGES),
    }
    # the router's list, detail and detail-action routes are probed from the router (test_permission_matrix.py)
    from_router = {f"{b}-list" for b in LIST_BASENAMES} | {f"{b}-detail" for b in DETAIL_BASENAMES}
    from_router |= {f"{basename}-{action}" for basename, action in DETAIL_ACTIONS}
    unmapped, seen = [], set()
    for route, url_name, _arguments in url_patterns():
        if url_name is None:
            unmapped.append(route)
            continue
        seen.add(url_name)
        if url_name not in from_router and not any(url_name in names for names in tables.values()):
            unmapped.append(f"{url_name} ({route})")
    assert unmapped == [], "URLs in no table of the permission matrix: map them to a kind of row, or list them"
    listed = set().union(*tables.values())
    assert listed - seen == set(), "the matrix lists URLs that no longer exist"
    twice = {
        url_name: [table for table, names in tables.items() if url_name in names]
        for url_name in listed
        if sum(url_name in names for names in tables.values()) > 1
    }
    assert twice == {}, "URLs in more than one table"


# --- the world, once per module; every test's own writes roll back


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "list-matrix"}}
    with override_settings(CACHES=cache), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker: Any) -> dict[str, Client]:
    with django_db_blocker.unblock():
        signed = {role: sign_in(user) for role, user in world.users.items()}
    return {**signed, ANONYMOUS: Client()}


def text_of(response: Any) -> str:
    """What a reader of the response sees: the page, the CSV, the workbook's cells or the PDF's text."""
    kind = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("application/pdf"):
        from pdfminer.high_level import extract_text

        return str(extract_text(io.BytesIO(content)))
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            "\t".join("" if cell is None else str(cell) for cell in line)
            for sheet in book.worksheets
            for line in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8-sig")


def sent_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def check_rows(text: str, shown: Callable[[str], str], kind: str, role: str, where: str) -> None:
    """A's row is there exactly when the role reads A's rows, B's exactly when it reads B's."""
    for side in ("own", "foreign"):
        marker = shown(side)
        assert marker, f"{where}: an empty marker"
        expected = sees(kind, side, role)
        assert (marker in text) == expected, (
            f"{where} as {role}: {side} row {marker!r} {'' if expected else 'not '}expected"
        )


# --- lists, exports and documents as every caller

LIST_CASES = [
    (url_name, fmt, role) for url_name, page in LIST_PAGES.items() for fmt in ("", *page.exports) for role in CALLERS
]


@pytest.mark.parametrize(
    ("url_name", "fmt", "role"), LIST_CASES, ids=[f"{n}-{f or 'page'}-{r}" for n, f, r in LIST_CASES]
)
def test_list_shows_exactly_the_rows_in_scope(
    url_name: str, fmt: str, role: str, world: World, clients: dict[str, Client]
) -> None:
    page = LIST_PAGES[url_name]
    query = page.query(world) if page.query else {}
    if fmt:
        query["export"] = fmt
    response = clients[role].get(reverse(url_name), query)
    where = f"{url_name} {fmt or 'page'}"
    if role == ANONYMOUS:
        assert sent_to_sign_in(response), f"{where}: the public got {response.status_code}"
        return
    if page.perm is not None and not has_perm(role, page.perm):
        assert response.status_code == 403, f"{where} as {role}: {response.status_code}"
        return
    assert response.status_code == 200, f"{where} as {role}: {response.status_code}"
    if fmt:
        assert fmt in response["Content-Type"] or "spreadsheetml" in response["Content-Type"], response["Content-Type"]
    marker = page.export_marker if fmt and page.export_marker else page.marker
    check_rows(text_of(response), lambda side: marker(page.row(world, side)), page.kind, role, where)


PUBLIC_LIST_CASES = [(url_name, role) for url_name, page in PUBLIC_PAGES.items() if page.kind for role in CALLERS]


@pytest.mark.parametrize(("url_name", "role"), PUBLIC_LIST_CASES, ids=["-".join(case) for case in PUBLIC_LIST_CASES])
def test_public_list_shows_only_published_rows(
    url_name: str, role: str, world: World, clients: dict[str, Client]
) -> None:
    page = PUBLIC_PAGES[url_name]
    assert page.marker is not None
    response = clients[role].get(reverse(url_name, kwargs=page.args))
    assert response.status_code == 200, f"{url_name} as {role}: {response.status_code}"
    text = text_of(response)
    for side in ("own", "foreign"):
        row = world.own(page.kind) if side == "own" else world.foreign(page.kind)
        assert (page.marker(row) in text) == sees(page.kind, side, role), f"{url_name} as {role}: {side} row"


PUBLIC_WITHOUT_ARGUMENTS = [
    url_name for route, url_name, _arguments in url_patterns() if url_name in PUBLIC_PAGES and "<" not in route
]


@pytest.mark.parametrize("url_name", PUBLIC_WITHOUT_ARGUMENTS)
def test_public_pages_are_public(url_name: str, clients: dict[str, Client]) -> None:
    response = clients[ANONYMOUS].get(reverse(url_name))
    assert response.status_code in {200, 302}, f"{url_name}: {response.status_code}"
    assert not sent_to_sign_in(response), f"{url_name}: the public is sent to sign in"


NO_ROW_SIGNED_IN = [
    url_name
    for route, url_name, arguments in url_patterns()
    if url_name in NO_OBJECT_PAGES and "<" not in route and "(?P" not in route
]


@pytest.mark.parametrize("url_name", NO_ROW_SIGNED_IN)
def test_the_public_is_sent_to_sign_in(url_name: str, clients: dict[str, Client]) -> None:
    """Every page that is not public asks the public to sign in (the API's routes answer 401 or 403)."""
    response = clients[ANONYMOUS].get(reverse(url_name))
    if reverse(url_name).startswith("/api/"):
        assert response.status_code in {401, 403}, f"{url_name}: {response.status_code}"
    else:
        assert sent_to_sign_in(response), f"{url_name}: the public got {response.status_code}"


# --- pickers and the search


@dataclass(frozen=True)
class Picked:
    """A picker's kind of row in the world and the words that find a row of it."""

    kind: str
    words: Marker
    city_wide: bool = False  # the kind offers every institution's rows by design (see the picker's docstring)


PICKERS: dict[str, Picked] = {
    "institution": Picked("institution", name),
    "group": Picked("group", name),
    "learner": Picked("learner", last_name),
    "municipality": Picked("municipality", lambda m: m.name.split()[0]),  # not the label: the search shows it
    "staff": Picked("staffmember", last_name),
    # the centre's course registration finds any of the city's teachers by name (innovation.course_forms)
    "course_teacher": Picked("staffmember", last_name, city_wide=True),
}


def test_every_picker_kind_is_in_the_matrix() -> None:
    assert set(KINDS) == set(PICKERS)


def picked_sides(picked: Picked) -> list[str]:
    return ["own"] if picked.kind == "municipality" else ["own", "foreign"]


def expected_to_find(picked: Picked, side: str, role: str) -> bool:
    if picked.city_wide:
        return role != ANONYMOUS
    return sees(picked.kind, side, role)


PICKER_CASES = [(kind, role, side) for kind in PICKERS for side in picked_sides(PICKERS[kind]) for role in CALLERS]


@pytest.mark.parametrize(("kind", "role", "side"), PICKER_CASES, ids=["-".join(case) for case in PICKER_CASES])
def test_picker_answers_by_role_and_scope(
    kind: str, role: str, side: str, world: World, clients: dict[str, Client]
) -> None:
    picked = PICKERS[kind]
    row = world.own(picked.kind) if side == "own" else world.foreign(picked.kind)
    response = clients[role].get(reverse("picker", args=[kind]), {"q": picked.words(row)})
    if role == ANONYMOUS:
        assert sent_to_sign_in(response), f"picker {kind}: the public got {response.status_code}"
        return
    if not has_perm(role, KINDS[kind].permission):
        assert response.status_code == 403, f"picker {kind} as {role}: {response.status_code}"
        return
    assert response.status_code == 200
    found = {item["id"] for item in response.json()["results"]}
    assert (row.pk in found) == expected_to_find(picked, side, role), f"picker {kind} as {role}: {side} row"


SEARCH_CASES = [
    (kind, role, side)
    for kind in PICKERS
    if KINDS[kind].in_search
    for side in picked_sides(PICKERS[kind])
    for role in CALLERS
]


@pytest.mark.parametrize(("kind", "role", "side"), SEARCH_CASES, ids=["-".join(case) for case in SEARCH_CASES])
def test_search_answers_by_role_and_scope(
    kind: str, role: str, side: str, world: World, clients: dict[str, Client]
) -> None:
    picked, picker = PICKERS[kind], KINDS[kind]
    row = world.own(picked.kind) if side == "own" else world.foreign(picked.kind)
    response = clients[role].get(reverse("search"), {"q": picked.words(row)})
    if role == ANONYMOUS:
        assert sent_to_sign_in(response), f"search: the public got {response.status_code}"
        return
    assert response.status_code == 200
    # the row's link (or, for a kind without a page, its label with its detail): never the words searched for
    shown = row.get_absolute_url() if hasattr(row, "get_absolute_url") else picker.label(row)
    expected = has_perm(role, picker.permission) and expected_to_find(picked, side, role)
    assert (shown in response.content.decode()) == expected, f"search {kind} as {role}: {side} row {shown!r}"


def test_the_list_matrix_covers_every_role() -> None:
    assert {role for _n, _f, role in LIST_CASES} == set(CALLERS)
    assert set(Role.values) < set(CALLERS)

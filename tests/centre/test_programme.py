"""The centre's programme (issue 44, point 2): student companies and their fairs, camps, hackathons, conferences
and seminars with participants by kind, partners with their country, kind and cooperation and the centre's projects
they share; each counted by `innovation_stats programme` (one selector, `programme_figures`, held here to a plain
computation of its definition) and in the readiness report; pages scoped to the centre."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.centre import services
from eduboard.centre.choices import PartnerKind, ProgrammeKind
from eduboard.centre.models import CentrePartner, Fair, ProgrammeEvent, StudentCompany
from eduboard.centre.rules import VISITOR_KINDS
from eduboard.core.scope import WHOLE_CITY
from eduboard.projects.models import Project, ProjectProgramme
from tests.centre.test_innovation import make_centre
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

PERIOD = (date(2025, 9, 1), date(2026, 8, 31))


def programme(day_from: str = "2025-09-01", day_to: str = "2026-08-31") -> dict[str, Any]:
    out = StringIO()
    call_command("innovation_stats", "programme", "--from", day_from, "--to", day_to, stdout=out)
    return json.loads(out.getvalue())


def project(reference: str, start: date, end: date, *institutions: Any) -> Project:
    made = Project.objects.create(
        reference=reference,
        programme=ProjectProgramme.objects.get_or_create(code="nordplus", defaults={"name": "N"})[0],
        title=reference, role="partner", start_date=start, end_date=end, grant=Decimal(0), city_share=Decimal(0),
    )  # fmt: skip
    made.institutions.set(institutions)
    return made


def world(seed: int) -> tuple[Any, list[Any]]:
    """Two centres with companies, fairs, events, partners and projects on random days around the period."""
    draw = random.Random(seed)
    centre = make_centre()
    other = InstitutionFactory(type="innovation_centre", name="Otrs centrs")
    school = InstitutionFactory(type="secondary", name="Skola")

    def day() -> date:
        return date(2025, 1, 1) + timedelta(days=draw.randint(0, 900))

    for owner in (centre, other):
        companies = []
        for n in range(draw.randint(2, 7)):
            founded = day()
            closed = founded + timedelta(days=draw.randint(0, 400)) if draw.random() < 0.5 else None
            companies.append(StudentCompany.objects.create(
                centre=owner, name=f"SMU {n}", school=school if n % 3 == 0 else None,
                school_name=draw.choice(["Skola", "skola ", "Krāslavas vidusskola", "Līvānu 1. vidusskola"]),
                members=draw.randint(1, 9), founded_on=founded, wound_up_on=closed,
            ))  # fmt: skip
        for n in range(draw.randint(1, 4)):
            fair = Fair.objects.create(centre=owner, title=f"Tirgus {n}", date=day())
            fair.companies.set(draw.sample(companies, draw.randint(0, len(companies))))
        partners = []
        for n in range(draw.randint(1, 6)):
            since = day() if draw.random() < 0.7 else None
            until = (since or date(2024, 1, 1)) + timedelta(days=draw.randint(0, 500)) if draw.random() < 0.4 else None
            partners.append(CentrePartner.objects.create(
                centre=owner, name=f"Partneris {n}", country=draw.choice(["NO", "LV", "LT", "EE"]),
                kind=draw.choice(PartnerKind.values), cooperation="Kopīgas darbnīcas", since=since, until=until,
            ))  # fmt: skip
        starts = [day() for _n in range(4)]
        projects = [project(f"{owner.pk}-P{n}", s, s + timedelta(days=400), owner) for n, s in enumerate(starts)]
        Project.objects.filter(pk=projects[-1].pk).update(status="closed")  # a closed project runs no more
        for partner in partners:
            partner.projects.set(draw.sample(projects, draw.randint(0, 2)))
        for n in range(draw.randint(1, 8)):
            first = day()
            event = ProgrammeEvent.objects.create(
                centre=owner, kind=draw.choice(ProgrammeKind.values), title=f"Pasākums {n}", starts_on=first,
                ends_on=first + timedelta(days=draw.randint(0, 4)),
                **{kind: draw.randint(0, 40) for kind in VISITOR_KINDS},
            )  # fmt: skip
            event.partners.set(draw.sample(partners, draw.randint(0, len(partners))))
    return centre, [centre, other]


def plain(first: date, last: date) -> dict[str, Any]:
    """The definition, computed row by row in Python."""

    def runs(begin: date | None, end: date | None) -> bool:
        return (begin is None or begin <= last) and (end is None or end >= first)

    companies = [c for c in StudentCompany.objects.all() if runs(c.founded_on, c.wound_up_on)]
    fairs = [f for f in Fair.objects.all() if first <= f.date <= last]
    events = [e for e in ProgrammeEvent.objects.all() if first <= e.starts_on <= last]
    partners = [p for p in CentrePartner.objects.all() if runs(p.since, p.until)]
    centres = {c.pk for c in StudentCompany.objects.none().model._meta.get_field("centre").related_model.objects.filter(
        type="innovation_centre")}  # fmt: skip
    projects = [
        p for p in Project.objects.all()
        if {i.pk for i in p.institutions.all()} & centres and runs(p.start_date, p.end_date) and p.status != "closed"
    ]  # fmt: skip
    shared = {p.pk for p in projects if p.centre_partners.exists()}
    by_kind = {kind: sum(getattr(e, kind) for e in events) for kind in VISITOR_KINDS}
    countries: dict[str, int] = {}
    for p in partners:
        countries[p.country.code] = countries.get(p.country.code, 0) + 1
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "student_companies": len(companies),
        "student_company_members": sum(c.members for c in companies),
        "schools_with_companies": len({" ".join(c.school_name.casefold().split()) for c in companies}),
        "fairs": len(fairs),
        "fair_companies": sum(f.companies.count() for f in fairs),
        "events_by_kind": {k: sum(1 for e in events if e.kind == k) for k in ProgrammeKind.values},
        "event_participants": sum(by_kind.values()),
        "event_participants_by_kind": by_kind,
        "partners": len(partners),
        "partners_by_kind": {k: sum(1 for p in partners if p.kind == k) for k in PartnerKind.values},
        "partners_by_country": dict(sorted(countries.items())),
        "projects": len(projects),
        "projects_with_partners": len(shared),
    }


@pytest.mark.parametrize("seed", range(6))
def test_the_programme_figures_are_their_definition(seed: int) -> None:
    world(seed)
    for first, last in (PERIOD, (date(2025, 10, 1), date(2025, 10, 31)), (date(2026, 3, 3), date(2026, 3, 3))):
        assert programme(first.isoformat(), last.isoformat()) == plain(first, last)


def test_a_centre_sees_and_counts_its_own_programme_only(make_user: Callable[..., User]) -> None:
    from eduboard.centre.selectors import programme_figures

    _centre, (mine, other) = world(3)
    staff = make_user(Role.CENTRE_STAFF, [mine])
    own = programme_figures(date_from=PERIOD[0], date_to=PERIOD[1], visible_to=staff)
    whole = programme_figures(date_from=PERIOD[0], date_to=PERIOD[1], visible_to=WHOLE_CITY)
    expected = StudentCompany.objects.filter(centre=mine, founded_on__lte=PERIOD[1]).exclude(wound_up_on__lt=PERIOD[0])
    assert own["student_companies"] == expected.count()
    assert whole["student_companies"] >= own["student_companies"]
    assert StudentCompany.objects.visible_to(staff).filter(centre=other).count() == 0


def test_a_row_links_to_its_own_centres_rows_only() -> None:
    centre = make_centre()
    other = InstitutionFactory(type="innovation_centre", name="Otrs centrs")
    board = UserFactory(role=Role.BOARD_ADMIN)
    foreign = StudentCompany.objects.create(
        centre=other, name="Sveši", school_name="X", members=3, founded_on=date(2025, 9, 1)
    )
    fair = Fair(centre=centre, title="Tirgus", date=date(2025, 12, 12))
    with pytest.raises(ValidationError) as refused:
        services.fair_save(viewer=board, fair=fair, expected_version=None, companies=[foreign])
    assert "companies" in refused.value.message_dict
    assert not Fair.objects.exists()  # nothing half-saved
    elsewhere = project("ELSEWHERE", date(2025, 1, 1), date(2026, 12, 31), other)
    partner = CentrePartner(centre=centre, name="DU", country="LV", kind="university", cooperation="Kursi")
    with pytest.raises(ValidationError) as refused:
        services.partner_save(viewer=board, partner=partner, expected_version=None, projects=[elsewhere])
    assert "projects" in refused.value.message_dict
    own = project("OWN", date(2025, 1, 1), date(2026, 12, 31), centre)
    services.partner_save(viewer=board, partner=partner, expected_version=None, projects=[own])
    assert list(partner.projects.all()) == [own]


def test_the_database_refuses_days_in_the_wrong_order() -> None:
    centre = make_centre()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeEvent.objects.create(
            centre=centre, kind="camp", title="Nometne", starts_on=date(2026, 1, 9), ends_on=date(2026, 1, 5)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StudentCompany.objects.create(
            centre=centre, name="SMU", school_name="X", members=2, founded_on=date(2025, 9, 1),
            wound_up_on=date(2025, 1, 1),
        )  # fmt: skip


def test_the_centre_records_its_programme_on_the_pages(signed_in: Callable[[User], Client]) -> None:
    centre = make_centre()
    other = InstitutionFactory(type="innovation_centre", name="Otrs centrs")
    school = InstitutionFactory(type="secondary", name="Daugavpils Valsts ģimnāzija")
    StudentCompany.objects.create(
        centre=other, name="Citu SMU", school_name="Y", members=2, founded_on=date(2025, 9, 1)
    )
    client = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[centre]))
    sent = client.post(
        "/innovation/companies/new/",
        {"name": "SMU “RoboKits”", "school": school.pk, "school_name": "", "members": "6",
         "products": "Robotikas komplekti", "founded_on": "2025-09-22"},
    )  # fmt: skip
    assert sent.status_code == 302, sent.content.decode()[:2000]
    company = StudentCompany.objects.get(name="SMU “RoboKits”")
    assert company.centre == centre and company.school_name == "Daugavpils Valsts ģimnāzija"
    page = client.get("/innovation/companies/").content.decode()
    assert "SMU “RoboKits”" in page and "Citu SMU" not in page
    sent = client.post(
        "/innovation/fairs/new/",
        {"title": "SMU gadatirgus", "date": "2025-12-12", "place": "", "visitors": "200", "companies": [company.pk]},
    )
    assert sent.status_code == 302
    assert list(Fair.objects.get().companies.all()) == [company]
    partner = client.post(
        "/innovation/partners/new/",
        {"name": "Tronheimas zinātnes centrs", "country": "NO", "kind": "science_centre",
         "cooperation": "Hakatoni", "since": "2020-09-01"},
    )  # fmt: skip
    assert partner.status_code == 302
    sent = client.post(
        "/innovation/programme/new/",
        {"kind": "hackathon", "title": "Hakatons", "starts_on": "2025-11-29", "ends_on": "2025-11-28",
         "learners": "40"},
    )  # fmt: skip
    assert sent.status_code == 200 and 'class="error-text"' in sent.content.decode()
    assert not ProgrammeEvent.objects.exists()
    sent = client.post(
        "/innovation/programme/new/",
        {"kind": "hackathon", "title": "Hakatons", "starts_on": "2025-11-28", "ends_on": "2025-11-29",
         "learners": "40", "teachers": "4", "partners": [CentrePartner.objects.get().pk]},
    )  # fmt: skip
    assert sent.status_code == 302
    figures = programme()
    assert figures["events_by_kind"]["hackathon"] == 1 and figures["event_participants"] == 44
    assert figures["fair_companies"] == 1 and figures["partners_by_country"] == {"NO": 1}
    export = client.get("/innovation/programme/?export=csv")
    assert export.status_code == 200 and "Hakatons" in export.content.decode("utf-8-sig")
    # another centre's row is not found, as if it did not exist
    foreign = StudentCompany.objects.get(name="Citu SMU")
    assert client.get(f"/innovation/companies/{foreign.pk}/").status_code == 404


def test_the_programme_lists_and_the_equipment_page_read_a_bounded_number_of_times(
    signed_in: Callable[[User], Client],
) -> None:
    """Each page's reads do not grow with its rows: 3 rows of each kind read as often as 15."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from eduboard.assets.choices import ensure_standard_kinds
    from eduboard.assets.models import Asset, AssetKind, Room
    from eduboard.centre.models import KitLoan

    centre = make_centre()
    ensure_standard_kinds()
    tablet = AssetKind.objects.get(code="tablet")
    own = project("OWN", date(2025, 1, 1), date(2026, 12, 31), centre)
    client = signed_in(UserFactory(role=Role.CENTRE_STAFF, institutions=[centre]))
    pages = ["/innovation/companies/", "/innovation/fairs/", "/innovation/programme/", "/innovation/partners/",
             "/innovation/equipment/"]  # fmt: skip

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            company = StudentCompany.objects.create(
                centre=centre, name=f"SMU {n}", school_name="Skola", members=3, founded_on=date(2025, 9, 1)
            )
            Fair.objects.create(centre=centre, title=f"Tirgus {n}", date=date(2025, 12, 1)).companies.set([company])
            partner = CentrePartner.objects.create(
                centre=centre, name=f"Partneris {n}", country="NO", kind="science_centre", cooperation="Darbnīcas"
            )
            partner.projects.set([own])
            event = ProgrammeEvent.objects.create(
                centre=centre, kind="seminar", title=f"Seminārs {n}", starts_on=date(2025, 10, 1),
                ends_on=date(2025, 10, 1), teachers=10,
            )  # fmt: skip
            event.partners.set([partner])
            Room.objects.create(institution=centre, name=f"Telpa {n}", kind="classroom")
            device = Asset.objects.create(inventory_number=f"IC-{n}", kind=tablet, institution=centre)
            KitLoan.objects.create(centre=centre, asset=device, group=f"Grupa {n}", lent_on=date(2025, 11, 5))

    def reads() -> list[int]:
        counts = []
        for path in pages:
            with CaptureQueriesContext(connection) as context:
                assert client.get(path).status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    add(0, 3)
    few = reads()
    add(3, 15)
    assert reads() == few

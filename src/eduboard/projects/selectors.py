"""Reads of the projects area that compute: the portfolio's figures as of a date, a project's budget, the calendar
of deadlines, partner countries. A handful of grouped queries each, whatever the number of projects."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from eduboard.core.figures_cache import cached_figures
from eduboard.core.numbers import money
from eduboard.core.scope import Viewer
from eduboard.core.translated import texts_of
from eduboard.finance.models import Expenditure
from eduboard.projects import rules
from eduboard.projects.choices import Direction, MobilityStatus, ProjectStatus
from eduboard.projects.models import Deadline, Mobility, Partner, Payment, Prefinancing, Project, Tranche
from eduboard.registry.models import Institution

ZERO = Decimal("0.00")


def scoped_projects(*, visible_to: Viewer, institution: Institution | None = None) -> QuerySet[Project]:
    """The projects the viewer sees, of one institution when it is given."""
    projects = Project.objects.visible_to(visible_to)
    return projects.taking_part(institution) if institution is not None else projects


def received_total(project: Project) -> Decimal:
    """What the city has received of the project's grant."""
    return project.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def project_fit_problems(project: Project) -> dict[str, list[str]]:
    """What an edited (stored) project no longer fits, by field: its tranche plan must add up to the city's share,
    what was received must be at most that share, and its payments and mobilities must lie within its dates."""
    problems: dict[str, list[str]] = {}
    plan = rules.plan_problems(
        city_share=project.city_share, tranches=project.tranches.values_list("share_percent", "amount")
    )
    if plan:
        problems.setdefault("city_share", []).append(
            _("The tranche plan no longer adds up: %s.") % "; ".join(plan.values())
        )
    received = received_total(project)
    if rules.received_exceeds_share(received=received, city_share=project.city_share):
        problems.setdefault("city_share", []).append(
            _("%s EUR has been received already; the city's share cannot be less.") % received
        )
    last = rules.last_payment_day(project.end_date)
    if project.payments.exclude(received_on__range=(project.start_date, last)).exists():
        problems.setdefault("end_date", []).append(_("A payment recorded no longer lies within the project's dates."))
    for city, start, end in project.mobilities.values_list("host_city", "from_date", "to_date"):
        problem = rules.mobility_problem(
            from_date=start, to_date=end, start_date=project.start_date, end_date=project.end_date
        )
        if problem:
            problems.setdefault("end_date", []).append(
                _("The mobility to %(city)s no longer fits: %(problem)s.") % {"city": city, "problem": problem}
            )
    return problems


def running_on(day: date) -> Q:
    """A project runs on a day between its start and end dates (both included) unless it is closed."""
    return running_during(day, day)


def running_during(first: date, last: date) -> Q:
    """A project runs during a period when it runs (`running_on`) on some day of it: it started by the last day,
    ends on or after the first, and is not closed. `running_on` is the period of one day."""
    return Q(start_date__lte=last, end_date__gte=first) & ~Q(status=ProjectStatus.CLOSED)


@cached_figures("registry", "finance", "projects")
def projects_stats(*, as_of: date, visible_to: Viewer, institution: Institution | None = None) -> dict[str, Any]:
    """The portfolio's figures as of a date (`manage.py projects_stats`, `GET /api/projects/stats/`).

    - `projects_by_status`: projects by their recorded status;
    - `projects_by_programme`: {programme code: {count, grant_total}};
    - `running_grant_total`: the grants of the projects running on the date;
    - `received_total`: payments received up to the date;
    - `due_total`: the city's share of the projects running on the date or closed, less what they received by then;
    - `prefinancing_outstanding`: prefinancing paid by the city up to the date less what was returned by then;
    - `mobilities`: mobilities (not cancelled) that started on or before the date: outgoing, incoming, participants;
    - `partner_countries`: {ISO code: projects}, over the projects not rejected, the coordinator's country and the
      partners' (a country counts once a project).
    """
    projects = scoped_projects(visible_to=visible_to, institution=institution)
    ids = projects.values("pk")
    statuses = dict(projects.values_list("status").annotate(n=Count("pk")).order_by())
    by_programme = {
        code: {"count": count, "grant_total": money(total or ZERO)}
        for code, count, total in projects.values_list("programme__code")
        .annotate(n=Count("pk"), total=Sum("grant"))
        .order_by("programme__code")
    }
    running_grant = projects.filter(running_on(as_of)).aggregate(total=Sum("grant"))["total"] or ZERO
    payments = Payment.objects.filter(project__in=ids, received_on__lte=as_of)
    received = payments.aggregate(total=Sum("amount"))["total"] or ZERO
    owed = projects.filter(running_on(as_of) | Q(status=ProjectStatus.CLOSED))
    share = owed.aggregate(total=Sum("city_share"))["total"] or ZERO
    received_by_owed = payments.filter(project__in=owed.values("pk")).aggregate(total=Sum("amount"))["total"] or ZERO
    prefinancing = Prefinancing.objects.filter(project__in=ids)
    paid = prefinancing.filter(paid_on__lte=as_of).aggregate(total=Sum("amount"))["total"] or ZERO
    returned = prefinancing.filter(returned_on__lte=as_of).aggregate(total=Sum("returned_amount"))["total"] or ZERO
    mobilities = (
        Mobility.objects.filter(project__in=ids, from_date__lte=as_of)
        .exclude(status=MobilityStatus.CANCELLED)
        .aggregate(
            outgoing=Count("pk", filter=Q(direction=Direction.OUTGOING)),
            incoming=Count("pk", filter=Q(direction=Direction.INCOMING)),
            participants=Sum("participants"),
        )
    )
    return {
        "as_of": as_of.isoformat(),
        "projects_by_status": {status: statuses.get(status, 0) for status in ProjectStatus.values},
        "projects_by_programme": by_programme,
        "running_grant_total": money(running_grant),
        "received_total": money(received),
        "due_total": money(share - received_by_owed),
        "prefinancing_outstanding": rules.prefinancing_outstanding(paid=paid, returned=returned),
        "mobilities": {
            "outgoing": mobilities["outgoing"],
            "incoming": mobilities["incoming"],
            "participants": mobilities["participants"] or 0,
        },
        "partner_countries": partner_countries(projects=projects),
    }


def _countries_by_project(projects: QuerySet[Project]) -> dict[int, set[str]]:
    """Project id -> the countries taking part: the coordinator's and the partners' (two queries)."""
    found: dict[int, set[str]] = defaultdict(set)
    for project_id, country in projects.exclude(coordinator_country="").values_list("pk", "coordinator_country"):
        found[project_id].add(str(country))
    for project_id, country in Partner.objects.filter(project__in=projects.values("pk")).values_list(
        "project_id", "country"
    ):
        found[project_id].add(str(country))
    return found


def partner_countries(*, projects: QuerySet[Project]) -> dict[str, int]:
    """{ISO code: number of projects} over the projects not rejected: the coordinator's country and the partners'
    (a country counts once a project), most projects first."""
    found = _countries_by_project(projects.exclude(status=ProjectStatus.REJECTED))
    counts = Counter(country for codes in found.values() for country in codes)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass
class TrancheLine:
    tranche: Tranche
    received: Decimal
    due: Decimal


@dataclass
class Budget:
    """A project's money as of a date."""

    grant: Decimal
    city_share: Decimal
    co_financing: Decimal
    tranches: list[TrancheLine]
    payments: list[Payment]
    received: Decimal
    due: Decimal
    planned: Decimal  # the tranches' amounts
    prefinancing: list[Prefinancing]
    prefinancing_paid: Decimal
    prefinancing_returned: Decimal
    prefinancing_outstanding: Decimal
    expenditures: list[Expenditure] = field(default_factory=list)
    spent: Decimal = ZERO
    plan_problems: list[str] = field(default_factory=list)


def project_budget(*, project: Project, as_of: date) -> Budget:
    """A project's budget as of a date: tranches with what was received of each, payments, what is still due,
    prefinancing and its return, and the finance expenditures of the project's funding source within its dates."""
    tranches = list(project.tranches.order_by("due_on"))
    payments = list(project.payments.filter(received_on__lte=as_of).select_related("tranche").order_by("received_on"))
    by_tranche: dict[int | None, Decimal] = defaultdict(Decimal)
    for payment in payments:
        by_tranche[payment.tranche_id] += payment.amount
    received = sum((payment.amount for payment in payments), ZERO)
    prefinancing = list(project.prefinancing.order_by("paid_on"))
    paid = sum((row.amount for row in prefinancing if row.paid_on <= as_of), ZERO)
    returned = sum((row.returned_amount for row in prefinancing if row.returned_on and row.returned_on <= as_of), ZERO)
    expenditures: list[Expenditure] = []
    if project.funding_source_id:
        expenditures = list(
            Expenditure.objects.filter(
                allocation__source_id=project.funding_source_id,
                date__range=(project.start_date, rules.last_payment_day(project.end_date)),
            )
            .select_related("allocation__institution")
            .order_by("date", "pk")
        )
    return Budget(
        grant=project.grant,
        city_share=project.city_share,
        co_financing=project.co_financing,
        tranches=[
            TrancheLine(tranche, money(by_tranche[tranche.pk]), money(tranche.amount - by_tranche[tranche.pk]))
            for tranche in tranches
        ],
        payments=payments,
        received=money(received),
        due=money(project.city_share - received),
        planned=money(sum((tranche.amount for tranche in tranches), ZERO)),
        prefinancing=prefinancing,
        prefinancing_paid=money(paid),
        prefinancing_returned=money(returned),
        prefinancing_outstanding=rules.prefinancing_outstanding(paid=paid, returned=returned),
        expenditures=expenditures,
        spent=money(sum((row.amount for row in expenditures), ZERO)),
        plan_problems=list(
            rules.plan_problems(
                city_share=project.city_share, tranches=[(t.share_percent, t.amount) for t in tranches]
            ).values()
        ),
    )


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    kind: str  # deadline | tranche | mobility
    what: str
    project: Project
    done: bool


def deadline_calendar(*, visible_to: Viewer, date_from: date, date_to: date) -> list[CalendarEntry]:
    """Deadlines, tranches due and mobilities starting between two dates, in date order (three queries)."""
    projects = Project.objects.visible_to(visible_to).values("pk")
    entries: list[CalendarEntry] = []
    for deadline in Deadline.objects.filter(project__in=projects, due_on__range=(date_from, date_to)).select_related(
        "project"
    ):
        entries.append(
            CalendarEntry(deadline.due_on, "deadline", deadline.title, deadline.project, deadline.done_on is not None)
        )
    tranches = (
        Tranche.objects.filter(project__in=projects, due_on__range=(date_from, date_to))
        .select_related("project")
        .annotate(received=Sum("payments__amount"))
    )
    for tranche in tranches:
        entries.append(
            CalendarEntry(
                tranche.due_on,
                "tranche",
                _("Tranche of %(amount)s EUR due") % {"amount": tranche.amount},
                tranche.project,
                (tranche.received or ZERO) >= tranche.amount,
            )
        )
    for mobility in Mobility.objects.filter(project__in=projects, from_date__range=(date_from, date_to)).select_related(
        "project"
    ):
        entries.append(
            CalendarEntry(
                mobility.from_date,
                "mobility",
                _("%(direction)s mobility, %(city)s (%(n)d people)")
                % {
                    "direction": mobility.get_direction_display(),
                    "city": mobility.host_city,
                    "n": mobility.participants,
                },
                mobility.project,
                mobility.status == MobilityStatus.DONE,
            )
        )
    return sorted(entries, key=lambda entry: (entry.day, entry.kind, entry.project.reference))


ERASMUS_PROGRAMMES = ("erasmus_ka1", "erasmus_ka2", "erasmus_ka220")


@dataclass(frozen=True)
class ProjectLine:
    reference: str
    title: str
    programme: str
    institutions: str
    grant: Decimal
    participants: int
    countries: int
    # The title and the programme in each language (core.translated.texts_of), for a report.
    titles: Mapping[str, str] = field(default_factory=dict)
    programmes: Mapping[str, str] = field(default_factory=dict)


def report_projects(*, as_of: date, visible_to: Viewer, since: date) -> dict[str, Any]:
    """The projects figures of the readiness report: Erasmus+ grants of the projects started from `since` up to the
    date, the projects approved or running on the date (with their mobilities' participants and partner
    countries), and the eTwinning projects running then. A handful of queries."""
    projects = Project.objects.visible_to(visible_to)
    erasmus = projects.filter(programme__code__in=ERASMUS_PROGRAMMES, start_date__gte=since, start_date__lte=as_of)
    erasmus = erasmus.exclude(status__in=(ProjectStatus.REJECTED, ProjectStatus.PLANNED, ProjectStatus.SUBMITTED))
    current = (
        projects.filter(end_date__gte=as_of, status__in=(ProjectStatus.APPROVED, ProjectStatus.RUNNING))
        .exclude(programme__code="etwinning")
        .select_related("programme")
        .prefetch_related("institutions")
        .annotate(people=Sum("mobilities__participants"))
        .order_by("-grant", "reference")
    )
    countries = {project_id: len(codes) for project_id, codes in _countries_by_project(current).items()}
    lines = [
        ProjectLine(
            reference=project.reference,
            title=project.title,
            programme=project.programme.name,
            institutions="; ".join(sorted(i.short_name or i.name for i in project.institutions.all())),
            grant=money(project.grant),
            participants=project.people or 0,  # type: ignore[attr-defined]
            countries=countries.get(project.pk, 0),
            titles=texts_of(project, "title"),
            programmes=texts_of(project.programme, "name"),
        )
        for project in current
    ]
    etwinning = projects.filter(programme__code="etwinning").filter(running_on(as_of)).prefetch_related("institutions")
    return {
        "erasmus_grant_total": money(erasmus.aggregate(total=Sum("grant"))["total"] or ZERO),
        "erasmus_projects": erasmus.count(),
        "current": lines,
        "etwinning_institutions": sorted({i.short_name or i.name for p in etwinning for i in p.institutions.all()}),
    }

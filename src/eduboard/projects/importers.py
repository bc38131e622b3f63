"""Projects file formats: `projects`, `partners`, `tranches`, `mobilities` (all or nothing, idempotent by natural
key: a project by reference; a partner by reference and organisation; a tranche by reference and due date; a
mobility by reference, direction, from-date and host city).

Institutions by registration number (several separated by `;`), programmes by code, countries by ISO 3166
alpha-2 code, dates `YYYY-MM-DD`, money in euros with a dot. The rules are `projects.rules`, as on the pages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_stubs_ext import StrOrPromise

from eduboard.core.imports import (
    ImportFailed,
    ImportResult,
    RowError,
    RowProblem,
    ScopedImporter,
    parse_choice,
    parse_date,
    parse_int,
    parse_required,
    parse_text,
    save_changes,
    update_fields,
)
from eduboard.core.scope import Viewer
from eduboard.finance.importers import parse_amount
from eduboard.projects import rules
from eduboard.projects.choices import CityRole, Direction, Flow, ProjectStatus
from eduboard.projects.models import Mobility, Partner, Payment, Project, ProjectProgramme, Tranche
from eduboard.projects.selectors import project_fit_problems
from eduboard.registry.models import Institution

PERCENT = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$")
COUNTRY_CODES = frozenset(code for code, _name in countries)


def parse_country(values: dict[str, str], column: str, *, required: bool = True) -> str:
    """An ISO 3166-1 alpha-2 country code (LV, TR, …)."""
    value = values.get(column, "").strip().upper()
    if not value and not required:
        return ""
    if value not in COUNTRY_CODES:
        raise RowProblem(
            column, _("“%s” is not an ISO 3166 alpha-2 country code (e.g. LV, TR, PL)") % values.get(column, "")
        )
    return value


def parse_percent(values: dict[str, str], column: str) -> Decimal | None:
    """An optional share in per cent, with a dot and at most 2 decimals (20, 33.33)."""
    text = values.get(column, "")
    if not text:
        return None
    if not PERCENT.fullmatch(text):
        raise RowProblem(
            column, _("“%s” is not a percentage written with a dot and at most 2 decimals (e.g. 20)") % text
        )
    return Decimal(text)


@dataclass(frozen=True)
class ProjectFacts:
    pk: int
    start_date: date
    end_date: date
    city_share: Decimal
    institution_ids: frozenset[int]


class ProjectsImporter(ScopedImporter):
    """Looks projects up once per pass; rows may only touch projects of the viewer's institutions."""

    logs_ids = False  # the files name programmes and projects by code and reference

    def __init__(self, *, viewer: Viewer) -> None:
        super().__init__(viewer=viewer)
        self.last_row: dict[str, int] = {}  # reference -> the last row naming it (kept from the check pass)

    def prepare(self) -> None:
        institutions: dict[int, set[int]] = defaultdict(set)
        for project_id, institution_id in Project.institutions.through.objects.values_list(
            "project_id", "institution_id"
        ):
            institutions[project_id].add(institution_id)
        self.projects = {
            reference: ProjectFacts(pk, start, end, share, frozenset(institutions[pk]))
            for reference, pk, start, end, share in Project.objects.values_list(
                "reference", "pk", "start_date", "end_date", "city_share"
            )
        }

    def project(self, values: dict[str, str]) -> tuple[str, ProjectFacts]:
        reference = parse_required(values, "reference", max_length=60).strip()
        facts = self.projects.get(reference)
        if facts is None or (self.scope is not None and not facts.institution_ids & self.scope):
            raise RowProblem("reference", _("unknown project %s (import it with the projects kind first)") % reference)
        self.last_row[reference] = self.current_row
        return reference, facts


# --- projects


@dataclass(frozen=True)
class ProjectRow:
    reference: str
    values: dict[str, Any]
    institution_ids: frozenset[int]


class ProjectImporter(ProjectsImporter):
    """`reference,title,programme,role,coordinator,coordinator_country,start_date,end_date,status,grant,city_share,
    institutions`."""

    kind = "projects"
    title = gettext_lazy("Projects")
    permission = "projects.add_project"
    columns: ClassVar[list[str]] = [
        "reference", "title", "programme", "role", "coordinator", "coordinator_country", "start_date", "end_date",
        "status", "grant", "city_share", "institutions",
    ]  # fmt: skip
    optional_columns: ClassVar[frozenset[str]] = frozenset(
        {"coordinator", "coordinator_country", "city_share", "institutions"}
    )
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "reference": gettext_lazy("the programme's reference number, kept exactly (e.g. 2019-1-TR01-KA201-076605)"),
        "title": gettext_lazy("the title in Latvian"),
        "programme": gettext_lazy(
            "erasmus_ka1|erasmus_ka2|erasmus_ka220|leonardo|nordplus|cerv|etwinning|esf|erdf|rrf|state|"
            "municipal|other (or a programme added)"
        ),
        "role": format_lazy("{} {}", "|".join(CityRole.values), gettext_lazy("(the city's role)")),
        "coordinator_country": gettext_lazy("ISO 3166 alpha-2 (TR, PL, LV, …)"),
        "start_date": "YYYY-MM-DD",
        "end_date": gettext_lazy("YYYY-MM-DD, on or after start_date"),
        "status": "|".join(ProjectStatus.values),
        "grant": gettext_lazy("the total grant in euros with a dot"),
        "city_share": gettext_lazy("what the city receives, at most the grant (the grant when empty)"),
        "institutions": gettext_lazy("registration numbers of the city's participating institutions separated by ;"),
    }
    example: ClassVar[list[str]] = [
        "2019-1-TR01-KA201-076605", "Inovācijas un transformācijas izglītībā", "erasmus_ka2", "partner",
        "Ankara İl Milli Eğitim Müdürlüğü", "TR", "2019-10-01", "2021-09-30", "closed", "14050.00", "14050.00", "",
    ]  # fmt: skip

    def prepare(self) -> None:
        super().prepare()
        self.programmes = dict(ProjectProgramme.objects.values_list("code", "pk"))
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))

    def parse(self, values: dict[str, str]) -> ProjectRow:
        reference = parse_required(values, "reference", max_length=60).strip()
        existing = self.projects.get(reference)
        if existing is not None and self.scope is not None and not existing.institution_ids & self.scope:
            raise RowProblem("reference", _("project %s is not one of your institutions' projects") % reference)
        programme = values.get("programme", "")
        if programme not in self.programmes:
            raise RowProblem(
                "programme",
                _("“%(value)s” is not one of %(allowed)s") % {"value": programme, "allowed": "|".join(self.programmes)},
            )
        start = parse_date(values, "start_date")
        end = parse_date(values, "end_date")
        assert start is not None and end is not None  # noqa: S101 - required dates
        if end < start:
            raise RowProblem("end_date", _("the end date is before the start date"))
        grant = parse_amount(values, "grant")
        city_share = parse_amount(values, "city_share") if values.get("city_share") else grant
        if city_share > grant:
            raise RowProblem("city_share", _("the city's share %(share)s is more than the grant %(grant)s") % {
                "share": city_share, "grant": grant})  # fmt: skip
        ids = set()
        for number in filter(None, (part.strip() for part in values.get("institutions", "").split(";"))):
            institution_id = self.institutions.get(number)
            if institution_id is None:
                raise RowProblem("institutions", _("unknown institution %s") % number)
            if not self.institution_allowed(institution_id):
                raise RowProblem("institutions", _("institution %s is not in your scope") % number)
            ids.add(institution_id)
        if self.scope is not None and not ids:
            raise RowProblem("institutions", _("name at least one of your institutions"))
        return ProjectRow(
            reference=reference,
            values={
                "title": parse_required(values, "title", max_length=300),
                "programme_id": self.programmes[programme],
                "role": parse_choice(values, "role", CityRole.values),
                "coordinator": parse_text(values, "coordinator", max_length=200),
                "coordinator_country": parse_country(values, "coordinator_country", required=False),
                "start_date": start,
                "end_date": end,
                "status": parse_choice(values, "status", ProjectStatus.values),
                "grant": grant,
                "city_share": city_share,
            },
            institution_ids=frozenset(ids),
        )

    def key(self, record: ProjectRow) -> str:
        return record.reference

    def write(self, records: list[ProjectRow], result: ImportResult) -> None:
        current = {
            project.reference: project
            for project in Project.objects.select_for_update().filter(
                reference__in=[record.reference for record in records]
            )
        }
        for record in records:
            project = current.get(record.reference)
            if project is None:
                project = Project(reference=record.reference, **record.values)
                project.save()
                project.institutions.set(record.institution_ids)
                self.counted(result, "created", record, label=project)
                continue
            changes = update_fields(project, record.values)
            had = set(self.projects[record.reference].institution_ids)
            wanted = rules.institutions_after_edit(current=had, given=set(record.institution_ids), scope=self.scope)
            if not changes and had == wanted:
                self.counted(result, "unchanged", record)
                continue
            problems = project_fit_problems(project)
            if problems:
                row = self._chunk_rows.get(id(record), 0)
                raise ImportFailed(
                    [RowError(row, column, message) for column, messages in problems.items() for message in messages]
                )
            if changes:
                save_changes(project, changes)
            if had != wanted:
                project.institutions.set(wanted)
                changes["institutions"] = (len(had), len(wanted))
            self.counted(
                result, "updated", record, {k: v for k, v in changes.items() if not k.endswith("_id")}, label=project
            )


# --- partners


@dataclass(frozen=True)
class PartnerRow:
    reference: str
    project_id: int
    organisation: str
    country: str
    role: str


class PartnerImporter(ProjectsImporter):
    """`reference,organisation,country,role`: the partner organisations of projects."""

    kind = "partners"
    title = gettext_lazy("Project partners")
    permission = "projects.add_partner"
    columns: ClassVar[list[str]] = ["reference", "organisation", "country", "role"]
    optional_columns: ClassVar[frozenset[str]] = frozenset({"role"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "reference": gettext_lazy("a project's reference number"),
        "country": gettext_lazy("ISO 3166 alpha-2 (TR, PL, LV, IT, …)"),
        "role": format_lazy("{} {}", "|".join(CityRole.values), gettext_lazy("(partner when empty)")),
    }
    example: ClassVar[list[str]] = ["2019-1-TR01-KA201-076605", "Uniwersytet Rzeszowski", "PL", "partner"]

    def parse(self, values: dict[str, str]) -> PartnerRow:
        reference, facts = self.project(values)
        return PartnerRow(
            reference=reference,
            project_id=facts.pk,
            organisation=parse_required(values, "organisation", max_length=200).strip(),
            country=parse_country(values, "country"),
            role=parse_choice(values, "role", CityRole.values, default=CityRole.PARTNER.value),
        )

    def key(self, record: PartnerRow) -> tuple[str, str]:
        return (record.reference, record.organisation)

    def write(self, records: list[PartnerRow], result: ImportResult) -> None:
        current = {
            (partner.project_id, partner.organisation): partner
            for partner in Partner.objects.select_for_update().filter(
                project_id__in={record.project_id for record in records}
            )
        }
        for record in records:
            partner = current.get((record.project_id, record.organisation))
            if partner is None:
                partner = Partner.objects.create(
                    project_id=record.project_id,
                    organisation=record.organisation,
                    country=record.country,
                    role=record.role,
                )
                self.counted(result, "created", record, label=partner)
                continue
            self.write_changes(result, record, partner, {"country": record.country, "role": record.role})


# --- tranches and payments


@dataclass(frozen=True)
class TrancheRow:
    reference: str
    project_id: int
    due_on: date
    share_percent: Decimal
    amount: Decimal
    received_on: date | None
    received_amount: Decimal | None
    derived: bool  # the amount was worked out from the share (the file gave none)


class TrancheImporter(ProjectsImporter):
    """`reference,due_date,share_percent,amount,received_on,received_amount`: the planned tranches of projects
    (a share in % of the city's share, an amount, or both agreeing) and what was received of each. After the file,
    every project's tranches add up to 100 % and to the city's share, and what was received to at most the share."""

    kind = "tranches"
    title = gettext_lazy("Project tranches and payments")
    permission = "projects.add_tranche"
    columns: ClassVar[list[str]] = [
        "reference",
        "due_date",
        "share_percent",
        "amount",
        "received_on",
        "received_amount",
    ]
    optional_columns: ClassVar[frozenset[str]] = frozenset(
        {"share_percent", "amount", "received_on", "received_amount"}
    )
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "reference": gettext_lazy("a project's reference number"),
        "due_date": "YYYY-MM-DD",
        "share_percent": gettext_lazy(
            "the tranche's share of the city's share in %, with a dot (20, 33.33); or give the amount"
        ),
        "amount": gettext_lazy("euros with a dot; or give the share"),
        "received_on": gettext_lazy("YYYY-MM-DD when the tranche was received, empty when not yet"),
        "received_amount": gettext_lazy("euros received (the tranche's amount when empty and received_on is given)"),
    }
    example: ClassVar[list[str]] = ["2019-1-TR01-KA201-076605", "2019-11-15", "20", "2810.00", "2019-11-20", "2810.00"]

    def parse(self, values: dict[str, str]) -> TrancheRow:
        reference, facts = self.project(values)
        due_on = parse_date(values, "due_date")
        assert due_on is not None  # noqa: S101 - required
        share = parse_percent(values, "share_percent")
        amount = parse_amount(values, "amount") if values.get("amount") else None
        try:
            share, amount = rules.tranche_values(city_share=facts.city_share, share_percent=share, amount=amount)
        except ValueError as error:
            raise RowProblem("amount" if values.get("amount") else "share_percent", str(error)) from None
        received_on = parse_date(values, "received_on", required=False)
        received = parse_amount(values, "received_amount") if values.get("received_amount") else None
        if received is not None and received_on is None:
            raise RowProblem("received_on", _("give the day the money was received"))
        if received_on is not None:
            received = amount if received is None else received
            problem = rules.payment_problem(
                amount=received,
                received_on=received_on,
                city_share=facts.city_share,
                received=Decimal(0),  # the sum over the file and the database is checked when every row is in
                start_date=facts.start_date,
                end_date=facts.end_date,
            )
            if problem:
                raise RowProblem(
                    "received_amount" if received <= 0 or received > facts.city_share else "received_on", problem
                )
        return TrancheRow(reference, facts.pk, due_on, share, amount, received_on, received, not values.get("amount"))

    def key(self, record: TrancheRow) -> tuple[str, date]:
        return (record.reference, record.due_on)

    def __init__(self, *, viewer: Viewer) -> None:
        super().__init__(viewer=viewer)
        self.touched: set[int] = set()  # ids of the projects the file names
        self.derived: set[tuple[int, date]] = set()  # (project, due date) of tranches whose amount was worked out

    def write(self, records: list[TrancheRow], result: ImportResult) -> None:
        project_ids = {record.project_id for record in records}
        current = {
            (tranche.project_id, tranche.due_on): tranche
            for tranche in Tranche.objects.select_for_update().filter(project_id__in=project_ids)
        }
        payments = {
            payment.tranche_id: payment
            for payment in Payment.objects.select_for_update().filter(project_id__in=project_ids, tranche__isnull=False)
        }
        for record in records:
            self.touched.add(record.project_id)
            if record.derived:
                self.derived.add((record.project_id, record.due_on))
            tranche = current.get((record.project_id, record.due_on))
            changes: dict[str, tuple[Any, Any]] = {}
            action = "unchanged"
            amount = record.amount
            if tranche is not None and record.derived and tranche.share_percent == record.share_percent:
                amount = tranche.amount  # the cent a settled plan gave this tranche stays
            if tranche is None:
                tranche = Tranche.objects.create(
                    project_id=record.project_id,
                    due_on=record.due_on,
                    share_percent=record.share_percent,
                    amount=amount,
                )
                action = "created"
            elif changes := update_fields(tranche, {"share_percent": record.share_percent, "amount": amount}):
                save_changes(tranche, changes)
                action = "updated"
            if record.received_on is not None and record.received_amount is not None:
                payment = payments.get(tranche.pk)
                if payment is None:
                    Payment.objects.create(
                        project_id=record.project_id,
                        tranche=tranche,
                        received_on=record.received_on,
                        amount=record.received_amount,
                    )
                    changes["received_amount"] = (None, record.received_amount)
                    action = "updated" if action == "unchanged" else action
                else:
                    received_before = payment.amount
                    paid = update_fields(payment, {"received_on": record.received_on, "amount": record.received_amount})
                    if paid:
                        save_changes(payment, paid)
                        changes["received_amount"] = (received_before, record.received_amount)
                        action = "updated" if action == "unchanged" else action
            self.counted(result, action, record, changes or None, label=f"{record.reference} {record.due_on}")

    def finish(self, result: ImportResult) -> None:
        """Every project of the file: a plan given by shares gets its rounding cent (`rules.settle_rounding`); then its
        tranches add up to 100 % and the city's share, and what it received is at most the city's share (so no
        payment took more than was still due). Three queries whatever the number of projects."""
        projects = Project.objects.filter(pk__in=self.touched).annotate(received=Sum("payments__amount"))
        tranches: dict[int, list[Tranche]] = defaultdict(list)
        for tranche in Tranche.objects.select_for_update().filter(project_id__in=self.touched).order_by("due_on"):
            tranches[tranche.project_id].append(tranche)
        errors = []
        for project in projects.order_by("reference"):
            planned = tranches[project.pk]
            settled = rules.settle_rounding(
                city_share=project.city_share,
                tranches=[(tranche.share_percent or Decimal(0), tranche.amount) for tranche in planned],
                derived=[(project.pk, tranche.due_on) in self.derived for tranche in planned],
            )
            for tranche, (_share, amount) in zip(planned, settled, strict=True):
                if rounded := update_fields(tranche, {"amount": amount}):
                    save_changes(tranche, rounded)
            row = self.last_row.get(project.reference, 0)
            problems = rules.plan_problems(
                city_share=project.city_share, tranches=[(t.share_percent, t.amount) for t in planned]
            )
            for column, problem in problems.items():
                errors.append(RowError(row, column, f"{project.reference}: {problem}"))
            received = project.received or Decimal(0)  # type: ignore[attr-defined]
            if rules.received_exceeds_share(received=received, city_share=project.city_share):
                errors.append(
                    RowError(
                        row,
                        "received_amount",
                        _("%(reference)s: %(received)s EUR received is more than the city's share %(share)s EUR")
                        % {"reference": project.reference, "received": received, "share": project.city_share},
                    )
                )
        if errors:
            raise ImportFailed(sorted(errors, key=lambda error: error.row))


# --- mobilities


@dataclass(frozen=True)
class MobilityRow:
    reference: str
    project_id: int
    direction: str
    from_date: date
    host_city: str
    values: dict[str, Any]


class MobilityImporter(ProjectsImporter):
    """`reference,direction,from_date,to_date,host_city,host_country,participants,flow`: mobilities within their
    projects' dates."""

    kind = "mobilities"
    title = gettext_lazy("Project mobilities")
    permission = "projects.add_mobility"
    columns: ClassVar[list[str]] = [
        "reference", "direction", "from_date", "to_date", "host_city", "host_country", "participants", "flow",
    ]  # fmt: skip
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "reference": gettext_lazy("a project's reference number"),
        "direction": "|".join(Direction.values),
        "from_date": gettext_lazy("YYYY-MM-DD, within the project's dates"),
        "to_date": gettext_lazy("YYYY-MM-DD, within the project's dates"),
        "host_country": gettext_lazy("ISO 3166 alpha-2 (LT, PL, …)"),
        "participants": gettext_lazy("how many people take part (1 or more)"),
        "flow": "|".join(Flow.values),
    }
    example: ClassVar[list[str]] = [
        "2011-1-LV1-LEO03-02109", "outgoing", "2012-02-13", "2012-02-17", "Vilnius", "LT", "6", "job_shadowing",
    ]  # fmt: skip

    def parse(self, values: dict[str, str]) -> MobilityRow:
        reference, facts = self.project(values)
        direction = parse_choice(values, "direction", Direction.values)
        start = parse_date(values, "from_date")
        end = parse_date(values, "to_date")
        assert start is not None and end is not None  # noqa: S101 - required dates
        problem = rules.mobility_problem(
            from_date=start, to_date=end, start_date=facts.start_date, end_date=facts.end_date
        )
        if problem:
            raise RowProblem("to_date" if end < start or end > facts.end_date else "from_date", problem)
        city = parse_required(values, "host_city", max_length=120).strip()
        return MobilityRow(
            reference=reference,
            project_id=facts.pk,
            direction=direction,
            from_date=start,
            host_city=city,
            values={
                "to_date": end,
                "host_country": parse_country(values, "host_country"),
                "participants": parse_int(values, "participants", minimum=1, maximum=100_000),
                "flow": parse_choice(values, "flow", Flow.values),
            },
        )

    def key(self, record: MobilityRow) -> tuple[str, str, date, str]:
        return (record.reference, record.direction, record.from_date, record.host_city)

    def write(self, records: list[MobilityRow], result: ImportResult) -> None:
        current = {
            (mobility.project_id, mobility.direction, mobility.from_date, mobility.host_city): mobility
            for mobility in Mobility.objects.select_for_update().filter(
                project_id__in={record.project_id for record in records}
            )
        }
        for record in records:
            mobility = current.get((record.project_id, record.direction, record.from_date, record.host_city))
            if mobility is None:
                mobility = Mobility.objects.create(
                    project_id=record.project_id,
                    direction=record.direction,
                    from_date=record.from_date,
                    host_city=record.host_city,
                    **record.values,
                )
                self.counted(result, "created", record, label=f"{record.reference} {mobility}")
                continue
            self.write_changes(result, record, mobility, record.values, label=f"{record.reference} {mobility}")


IMPORTERS: dict[str, type[ProjectsImporter]] = {
    importer.kind: importer for importer in (ProjectImporter, PartnerImporter, TrancheImporter, MobilityImporter)
}

"""Interest education's file formats (all or nothing, idempotent):

- festival_participation: `festival,year,institution,body,kind,collectives,participants`: per festival, year,
  participant and kind of collective, how many collectives and participants. `institution` is a registration number
  of the registry, or empty with `body` naming another body (Daugavpils Vienības nams): the board's rows. Key:
  festival (any case), year, institution or body (any case) and kind; a row of a stored key updates it. The optional
  `body_is_institution` (yes|no) marks another body as an education institution outside the registry (a state music
  school): the readiness report counts it among the institutions; a file without the column keeps a row's mark.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.core.imports import (
    ImportResult,
    RowProblem,
    ScopedImporter,
    parse_choice,
    parse_int,
    parse_required,
    parse_text,
    parse_yes_no,
)
from eduboard.interest.models import CollectiveKind, FestivalParticipation
from eduboard.registry.models import Institution


@dataclass(frozen=True)
class FestivalRow:
    festival: str
    year: int
    institution_id: int | None
    body: str
    kind: str
    collectives: int
    participants: int
    # None where the file has no such column: a stored row keeps its mark.
    body_is_institution: bool | None


class FestivalParticipationImporter(ScopedImporter):
    """`festival,year,institution,body,kind,collectives,participants[,body_is_institution]`."""

    kind = "festival_participation"
    title = gettext_lazy("Festival participation")
    permission = "interest.add_festivalparticipation"
    columns: ClassVar[list[str]] = [
        "festival", "year", "institution", "body", "kind", "collectives", "participants", "body_is_institution",
    ]  # fmt: skip
    optional_columns: ClassVar[frozenset[str]] = frozenset({"body_is_institution"})
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "festival": gettext_lazy("the festival's name, e.g. XIII Latvijas Skolu jaunatnes dziesmu un deju svētki"),
        "year": gettext_lazy("the festival's year, e.g. 2025"),
        "institution": gettext_lazy("registration number; empty for another body"),
        "body": gettext_lazy("the name of another body (not in the registry; the board's rows); else empty"),
        "kind": "|".join(CollectiveKind.values),
        "collectives": gettext_lazy("collectives of the kind, at least 1"),
        "participants": gettext_lazy("their participants"),
        "body_is_institution": gettext_lazy(
            "optional, yes|no: the other body is an education institution outside the registry (e.g. a state music "
            "school), counted among the institutions; empty: no"
        ),
    }
    example: ClassVar[list[str]] = [
        "XIII Latvijas Skolu jaunatnes dziesmu un deju svētki",
        "2025",
        "9000000031",
        "",
        "dance_group",
        "6",
        "180",
        "",
    ]

    def prepare(self) -> None:
        self.institutions = dict(Institution.objects.values_list("registration_number", "pk"))

    def parse(self, values: dict[str, str]) -> FestivalRow:
        festival = " ".join(parse_required(values, "festival", max_length=200).split())
        year = parse_int(values, "year", minimum=1990, maximum=2100)
        number = values.get("institution", "")
        body = " ".join(parse_text(values, "body", max_length=200).split())
        institution_id: int | None = None
        if number:
            if body:
                raise RowProblem("body", _("give an institution or another body, not both"))
            institution_id = self.institutions.get(number)
            if institution_id is None:
                raise RowProblem("institution", _("unknown institution %s") % number)
            if not self.institution_allowed(institution_id):
                raise RowProblem("institution", _("institution %s is not in your scope") % number)
        elif not body:
            raise RowProblem("institution", _("give an institution's registration number or another body's name"))
        elif self.scope is not None:
            raise RowProblem("body", _("rows of other bodies are the board's"))
        body_is_institution = (
            parse_yes_no(values, "body_is_institution", default=False) if "body_is_institution" in values else None
        )
        if body_is_institution and institution_id is not None:
            raise RowProblem("body_is_institution", _("only another body can be marked as an education institution"))
        kind = parse_choice(values, "kind", CollectiveKind.values)
        collectives = parse_int(values, "collectives", minimum=1, maximum=10_000)
        participants = parse_int(values, "participants", minimum=0, maximum=1_000_000)
        assert year is not None and collectives is not None and participants is not None  # noqa: S101 - required
        return FestivalRow(festival, year, institution_id, body, kind, collectives, participants, body_is_institution)

    def key(self, record: FestivalRow) -> Hashable:
        who = record.institution_id if record.institution_id is not None else record.body.casefold()
        return (record.festival.casefold(), record.year, who, record.kind)

    def describe(self, record: FestivalRow) -> str:
        return f"{record.festival} {record.year}: {record.body or record.institution_id}, {record.kind}"

    def write(self, records: list[FestivalRow], result: ImportResult) -> None:
        for record in records:
            same = FestivalParticipation.objects.filter(
                festival__iexact=record.festival, year=record.year, kind=record.kind
            )
            if record.institution_id is None:
                same = same.filter(institution__isnull=True, body__iexact=record.body)
            else:
                same = same.filter(institution_id=record.institution_id)
            found = same.first()
            values: dict[str, object] = {"collectives": record.collectives, "participants": record.participants}
            if record.body_is_institution is not None:
                values["body_is_institution"] = record.body_is_institution
            if found is None:
                created = FestivalParticipation(
                    festival=record.festival,
                    year=record.year,
                    institution_id=record.institution_id,
                    body=record.body,
                    kind=record.kind,
                    **values,
                )
                created.full_clean()
                created.save()
                self.counted(result, "created", record, label=created)
                continue
            self.write_changes(result, record, found, values)


IMPORTERS: dict[str, type[ScopedImporter]] = {importer.kind: importer for importer in (FestivalParticipationImporter,)}

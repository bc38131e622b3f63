"""The competitions' file format (all or nothing, idempotent): `competition,discipline,team,school,robot,members,
coach_email` (members `Anna (12); Pēteris (13)`); key: competition, discipline, team. Listed with the innovation
centre's formats (`import_innovation teams`)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from eduboard.centre.selectors import school_key
from eduboard.competitions import rules
from eduboard.competitions.models import Competition, Match, Team
from eduboard.core.imports import (
    ImportResult,
    RowProblem,
    ScopedImporter,
    parse_required,
)
from eduboard.registry.models import Institution


@dataclass(frozen=True)
class TeamRow:
    competition_id: int
    discipline_id: int
    name: str
    values: tuple[tuple[str, Any], ...]


class TeamImporter(ScopedImporter):
    """`competition,discipline,team,school,robot,members,coach_email`; key: competition, discipline, team name.
    Teams of a discipline whose bracket is drawn are not changed."""

    kind = "teams"
    title = gettext_lazy("Competition teams")
    permission = "competitions.add_team"
    columns: ClassVar[list[str]] = ["competition", "discipline", "team", "school", "robot", "members", "coach_email"]
    codes: ClassVar[dict[str, StrOrPromise]] = {
        "competition": gettext_lazy("the competition's code"),
        "discipline": gettext_lazy("mini_sumo|lego_sumo|line_follower (a discipline of the competition)"),
        "team": gettext_lazy("the team's name"),
        "school": gettext_lazy("the school's name, or a city school's registration number"),
        "robot": gettext_lazy("the robot's name"),
        "members": gettext_lazy(
            "first names and ages separated by ;, e.g. Anna (12); Pēteris (13) (an age may be missing; a bare "
            "number: that many members)"
        ),
        "coach_email": gettext_lazy("the coach's e-mail"),
    }
    example: ClassVar[list[str]] = [
        "robotika-2025", "mini_sumo", "Zibens", "Daugavpils Valsts ģimnāzija", "Zibens-1", "Anna (12); Pēteris (13)",
        "skolotaja@example.lv",
    ]  # fmt: skip

    def prepare(self) -> None:
        self.competitions = {
            code: (pk, centre) for code, pk, centre in Competition.objects.values_list("code", "pk", "centre_id")
        }
        self.disciplines = {
            (competition, code): pk
            for competition, code, pk in Competition.disciplines.through.objects.values_list(
                "competition_id", "discipline__code", "discipline_id"
            )
        }
        self.drawn = set(Match.objects.values_list("competition_id", "discipline_id").distinct())
        institutions = list(Institution.objects.values_list("pk", "registration_number", "name"))
        self.schools_by_number = {number: pk for pk, number, _name in institutions}
        self.schools_by_name = {school_key(name): pk for pk, _number, name in institutions}
        self.names = {pk: name for pk, _number, name in institutions}

    def parse(self, values: dict[str, str]) -> TeamRow:
        code = parse_required(values, "competition", max_length=60)
        found = self.competitions.get(code)
        if found is None:
            raise RowProblem("competition", _("no competition %s") % code)
        if not self.institution_allowed(found[1]):
            raise RowProblem("competition", _("competition %s is not your centre's") % code)
        discipline_code = parse_required(values, "discipline", max_length=40)
        discipline = self.disciplines.get((found[0], discipline_code))
        if discipline is None:
            raise RowProblem(
                "discipline", _("competition %(c)s has no discipline %(d)s") % {"c": code, "d": discipline_code}
            )
        if (found[0], discipline) in self.drawn:
            raise RowProblem(
                "discipline", _("the bracket of %s is drawn already; its teams are fixed") % discipline_code
            )
        name = " ".join(parse_required(values, "team", max_length=80).split())
        school_text = " ".join(parse_required(values, "school", max_length=200).split())
        school_id = self.schools_by_number.get(school_text) if school_text.isdigit() else None
        if school_text.isdigit() and school_id is None:
            raise RowProblem("school", _("unknown institution %s") % school_text)
        if school_id is None:
            school_id = self.schools_by_name.get(school_key(school_text))
        school_name = self.names[school_id] if school_id is not None else school_text
        try:
            members = rules.parse_members(values.get("members", ""), require_ages=False)
        except ValidationError as error:
            raise RowProblem("members", " ".join(error.messages)) from None
        email = parse_required(values, "coach_email", max_length=254)
        try:
            validate_email(email)
        except ValidationError:
            raise RowProblem("coach_email", _("“%s” is not an e-mail address") % email) from None
        fields = {
            "school_id": school_id,
            "school_name": school_name,
            "robot": " ".join(parse_required(values, "robot", max_length=80).split()),
            "members": tuple((m["name"], m["age"]) for m in members),
            "coach_email": email,
        }
        return TeamRow(found[0], discipline, name, tuple(fields.items()))

    def key(self, record: TeamRow) -> Hashable:
        return (record.competition_id, record.discipline_id, record.name.casefold())

    def describe(self, record: TeamRow) -> str:
        return record.name

    def write(self, records: list[TeamRow], result: ImportResult) -> None:
        for record in records:
            values = dict(record.values)
            values["members"] = [{"name": name, "age": age} for name, age in values["members"]]
            found = (
                Team.objects.select_for_update()
                .filter(
                    competition_id=record.competition_id,
                    discipline_id=record.discipline_id,
                    name__iexact=record.name,
                )
                .first()
            )
            if found is None:
                team = Team.objects.create(
                    competition_id=record.competition_id,
                    discipline_id=record.discipline_id,
                    name=record.name,
                    **values,
                )
                self.counted(result, "created", record, label=team)
                continue
            self.write_changes(result, record, found, values)


IMPORTERS: dict[str, type[ScopedImporter]] = {TeamImporter.kind: TeamImporter}

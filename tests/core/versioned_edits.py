"""What the version tests edit: for every API route that updates a row, two fields and the values a PATCH gives them.

Shared by tests/core/test_versions_everywhere.py (both databases) and tests/core/test_versions_concurrency.py
(real concurrent requests). A route that updates rows and is missing here fails
`test_every_updatable_api_route_is_versioned_and_tested`, so a new editable model is tested the day it is added.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse

from eduboard.registry.models import PriorityGround
from tests.accounts.matrix_world import World

Value = Any | Callable[[World], Any]


@dataclass(frozen=True)
class Edit:
    """Field `a` and field `b` of the row, each with the value a PATCH gives it; `a_again`: another value of `a`
    (two people changing the same field)."""

    a: str
    a_value: Value
    b: str
    b_value: Value
    a_again: Value

    def value(self, field: str, world: World, *, again: bool = False) -> Any:
        raw = self.a_again if again else (self.a_value if field == self.a else self.b_value)
        return raw(world) if callable(raw) else raw


EDITS: dict[str, Edit] = {
    "institution": Edit("name", "Jaunā skola", "short_name", "JS", "Cita skola"),
    "programme": Edit("name", "Cita programma", "language", "ru", "Trešā programma"),
    "group": Edit("name", "1.z", "capacity", 30, "1.y"),
    "learner": Edit("first_name", "Jānis", "last_name", "Bērziņš", "Pēteris"),
    "enrolment": Edit("leaving_note", "pārcēlās", "left_on", "2025-06-30", "cits iemesls"),
    "queueentry": Edit(
        "wanted_start_on",
        "2026-09-01",
        "grounds",
        lambda _world: [PriorityGround.objects.get(code="sibling").pk],
        "2026-10-01",
    ),
    "staffmember": Edit("first_name", "Jānis", "last_name", "Kalns", "Pēteris"),
    "employment": Edit("subject", "Vēsture", "fte", "0.750", "Ģeogrāfija"),
    "qualification": Edit("title", "Skolotājs-metodiķis", "document", "D-99", "Direktors"),
    "vacancy": Edit("subject", "Vēsture", "description", "Pilna slodze", "Ģeogrāfija"),
    "trainingrecord": Edit("document", "X-1", "hours", 16, "X-2"),
    "trainingrequirement": Edit("hours", 12, "legal_basis", "MK noteikumi", 20),
    "positionkind": Edit("name", "Mainīts amats", "is_pedagogical", False, "Cits amats"),
    "fundingsource": Edit("name", "Valsts budžets (mainīts)", "code", "state-x", "Cits nosaukums"),
    "institutionset": Edit(
        "name", "visas skolas (mainīts)", "members", lambda world: [world.a.registration_number], "cits nosaukums"
    ),
    "allocation": Edit("note", "mainīts", "amount", "150.00", "cits"),
    "expenditure": Edit("description", "mainīts", "document", "R-99", "cits"),
    "costrate": Edit("monthly_cost", "100.00", "year", 2026, "120.00"),
    "mealrule": Edit("name", "Mainīts", "rank", 99, "Cits"),
    "cateringcontract": Edit("note", "mainīts", "years", 4, "cits"),
    "dayoff": Edit("name", "Mainīts", "end", "2025-05-02", "Cits"),
    "settlementline": Edit("note", "mainīts", "learners", 2, "cits"),
    "assetkind": Edit("name", "Mainīts veids", "code", "chromebook-x", "Cits veids"),
    "asset": Edit("model", "Lenovo 300e", "serial_number", "SN-99", "HP 11"),
    "licence": Edit("seats", 40, "valid_to", "2025-08-31", 50),
    "room": Edit("name", "102", "places", 24, "103"),
    "projectprogramme": Edit("name", "Mainīta programma", "code", "erasmus_ka2x", "Cita programma"),
    "project": Edit("title", "Pārdēvēts projekts", "action", "KA220-SCH", "Cits nosaukums"),
    "partner": Edit("organisation", "Cits partneris", "country", "IT", "Vēl cits partneris"),
    "prefinancing": Edit("amount", "3000.00", "return_planned_on", "2026-12-31", "3500.00"),
    "mobility": Edit("host_city", "Varšava", "participants", 5, "Gdaņska"),
    "deadline": Edit("title", "Gala atskaite", "due_on", "2026-09-30", "Cita atskaite"),
    "selfassessmententry": Edit("level", "good", "description", "Stundas ir strukturētas.", "very_good"),
    "accreditation": Edit("decision", "Nr. 1-12/2021", "visited_on", "2021-11-15", "Nr. 2-12/2021"),
    "headevaluation": Edit("note", "Sarunā 31.05.", "overall_level", "excellent", "Cita piezīme"),
    "unifiedschoolstatus": Edit("environment", "partly", "head_transition", "partly", "does_not_meet"),
}


def detail_url(basename: str, pk: int) -> str:
    return reverse(f"{basename}-detail", kwargs={"pk": pk})


def patch(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def same(shown: Any, sent: Any) -> bool:
    """Whether the API shows the value that was sent (lists in any order)."""
    if isinstance(sent, list):
        return sorted(map(str, shown)) == sorted(map(str, sent))
    return bool(shown == sent)

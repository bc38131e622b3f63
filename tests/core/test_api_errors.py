"""Every error the API gives is JSON and documented: a protected delete is a 409 naming what refers to the object,
an unknown address a JSON 404, a number beyond the database's range a 400; the schema lists the error answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Group, Institution
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def world() -> World:
    return build_world(pupils=1)


@pytest.fixture
def board(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(Role.BOARD_ADMIN))


def test_deleting_an_institution_others_refer_to_answers_409_and_deletes_nothing(board: Client, world: World) -> None:
    response = board.delete(f"/api/registry/institutions/{world.school.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert body["referred_to_by"]  # what still refers to it, by name
    assert Institution.objects.filter(pk=world.school.pk).exists()
    assert Group.objects.filter(institution=world.school).exists()


def test_an_unknown_api_address_answers_json_404(board: Client) -> None:
    response = board.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_a_number_beyond_the_database_s_range_in_a_filter_answers_400(board: Client) -> None:
    response = board.get("/api/registry/groups/", {"institution": "9" * 40})
    assert response.status_code in (400, 404)  # refused by the filter, or out of range: never a 500
    assert response["Content-Type"].startswith("application/json")


def test_every_operation_documents_its_error_answers(board: Client) -> None:
    schema = board.get("/api/schema/", {"format": "json"}).json()
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "429"} <= codes, (method, path)
            if method in {"post", "put", "patch", "delete"}:
                assert {"400", "409"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)


def test_a_settlement_with_numbers_beyond_the_bounds_is_refused_and_the_list_still_answers(board: Client) -> None:
    from eduboard.registry.models import Municipality

    Municipality.objects.get_or_create(name="Augšdaugavas novads")
    line = {
        "municipality": "Augšdaugavas novads",
        "direction": "incoming",
        "level": "basic",
        "period_start": "2024-01-01",
        "period_end": "2024-08-31",
        "learners": 70,
        "months": 8,
        "monthly_cost": "646423112411.00",
    }
    response = board.post("/api/finance/settlements/", line, content_type="application/json")
    assert response.status_code == 400
    assert "monthly_cost" in response.json()
    assert board.get("/api/finance/settlements/").status_code == 200


def test_a_nul_byte_in_a_json_body_is_refused_with_400_naming_the_field(board: Client) -> None:
    response = board.post(
        "/api/quality/observations/",
        {"institution": "90000\u000000011", "kind": "peer", "date": "2024-02-20"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["error_codes"]) == ["institution"]


def test_a_misspelt_field_is_refused_by_name_and_nothing_changes(board: Client, world: World) -> None:
    group = world.class_1a
    response = board.patch(
        f"/api/registry/groups/{group.pk}/",
        {"nmae": "1.z", "version": group.version},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["error_codes"]) == ["nmae"]
    group.refresh_from_db()
    assert group.name == world.class_1a.name


def test_a_whole_number_filter_refuses_a_fraction(board: Client) -> None:
    assert board.get("/api/finance/cost-rates/", {"year": "2024"}).status_code == 200
    for fraction in ("2024.5", "2024.0"):
        response = board.get("/api/finance/cost-rates/", {"year": fraction})
        assert response.status_code == 400
        assert "year" in response.json()


def test_a_date_outside_1900_2100_is_refused_naming_the_parameter(board: Client) -> None:
    """Found by Schemathesis: figures from year 1 asked for a year before it and answered 500."""
    for path, name in (
        ("/api/quality/stats/observations/", "from"),
        ("/api/registry/stats/", "as_of"),
        ("/api/people/stats/", "as_of"),
        ("/api/finance/stats/", "as_of"),
    ):
        response = board.get(path, {name: "0001-03-01"})
        assert response.status_code == 400, path
        assert list(response.json()["error_codes"]) == [name], path


def test_the_api_reads_json_only(board: Client) -> None:
    """Found by Schemathesis: a form-encoded set without its members was saved as an empty set."""
    from eduboard.finance.models import InstitutionSet

    response = board.post("/api/finance/institution-sets/", {"name": "Tukšā kopa"})  # multipart/form-data
    assert response.status_code in (400, 415)  # refused (the session's CSRF check reads a form body first)
    assert not InstitutionSet.objects.filter(name="Tukšā kopa").exists()
    schema = board.get("/api/schema/", {"format": "json"}).json()
    body = schema["paths"]["/api/finance/institution-sets/"]["post"]["requestBody"]["content"]
    assert list(body) == ["application/json"]


def test_the_schema_says_what_text_decimals_and_bodies_may_hold(board: Client) -> None:
    """What the API refuses is in the schema: control characters in text, a decimal without digits, unknown fields."""
    import re

    schema = board.get("/api/schema/", {"format": "json"}).json()
    group = schema["components"]["schemas"]["Group"]
    assert group["additionalProperties"] is False
    text = re.compile(group["properties"]["name"]["pattern"])
    assert text.fullmatch("1.a klase") and not text.fullmatch("1.a\x00") and not text.fullmatch("\x1f")
    components = schema["components"]["schemas"]

    def pattern(component: str, field: str) -> re.Pattern[str]:
        return re.compile(components[component]["properties"][field]["pattern"])

    allocated = pattern("Allocation", "amount")  # 0 or more
    assert allocated.fullmatch("10.50") and allocated.fullmatch("0")
    assert not any(map(allocated.fullmatch, ["-3", "", ".", "10.505", "४"]))
    spent = pattern("Expenditure", "amount")  # at least 0.01
    assert spent.fullmatch("0.01") and spent.fullmatch("12") and not any(map(spent.fullmatch, ["0", "0.00", "-1"]))
    settled = pattern("SettlementLine", "amount")  # a correction may be negative
    assert settled.fullmatch("-3") and settled.fullmatch("3.10")
    percent = pattern("ExamResult", "mean_percent")  # 0 to 100
    assert percent.fullmatch("100.00") and percent.fullmatch("99.99") and not percent.fullmatch("100.01")
    dates = [p["schema"] for p in schema["paths"]["/api/registry/stats/"]["get"]["parameters"] if p["name"] == "as_of"]
    as_of = re.compile(dates[0]["anyOf"][0]["pattern"])
    assert as_of.fullmatch("2024-08-20") and not as_of.fullmatch("0001-03-01") and not as_of.fullmatch("2101-01-01")


def test_a_refused_request_names_a_code_for_each_message(board: Client, world: World) -> None:
    """`error_codes`: the messages are in the caller's language, the codes are stable."""
    missing = board.post(
        "/api/finance/expenditures/",
        {"allocation": 999999, "amount": "0", "date": "2024-01-01", "document": "R-1"},
        content_type="application/json",
    )
    assert missing.status_code == 400
    assert missing.json()["error_codes"] == {"allocation": ["does_not_exist"], "amount": ["min_value"]}
    rule = board.post(
        "/api/finance/days-off/",
        {"name": "Brīvdienas", "start": "2024-12-31", "end": "2024-12-20", "applies_to": "schools"},
        content_type="application/json",
    )
    assert rule.status_code == 400
    assert rule.json()["error_codes"] == {"end": ["rule"]}
    filtered = board.get("/api/people/staff/", {"institution": 999999})
    assert filtered.status_code == 400
    assert filtered.json()["error_codes"] == {"institution": ["does_not_exist"]}


def test_a_field_takes_only_the_json_type_the_schema_names(board: Client, world: World) -> None:
    """Found by the long Schemathesis run: a kind's name sent as the number 2.1e+89 was saved as text."""
    for body, field in (
        ({"code": "tablet_x", "name": 2.122151597614916e89}, "name"),
        ({"code": "tablet_x", "name": True}, "name"),
    ):
        response = board.post("/api/assets/kinds/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["error_codes"] == {field: ["invalid"]}
    group = world.class_1a
    url = f"/api/registry/groups/{group.pk}/"
    for body, field in (({"capacity": "30", "version": group.version}, "capacity"), ({"version": "1"}, "version")):
        response = board.patch(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert set(response.json()["error_codes"]) == {field}
    accepted = board.patch(url, {"capacity": 30, "version": group.version}, content_type="application/json")
    assert accepted.status_code == 200, accepted.content


def test_a_field_that_cannot_be_sorted_by_is_refused_naming_those_that_can(board: Client, world: World) -> None:
    """Found by the long Schemathesis run: an unknown `ordering` was silently ignored."""
    assert board.get("/api/registry/learners/", {"ordering": "-birth_date,last_name"}).status_code == 200
    refused = board.get("/api/registry/learners/", {"ordering": "personal_code"})
    assert refused.status_code == 400
    assert refused.json()["error_codes"] == {"ordering": ["invalid"]}
    assert "last_name, birth_date" in refused.json()["ordering"][0]

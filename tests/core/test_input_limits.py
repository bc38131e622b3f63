"""No input gives a server error: a request body's size and a JSON body's nesting are limited before any view,
every stored text has a length limit that fits its use, and single-line text holds no invisible or
direction-changing characters."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client

from eduboard import settings as project_settings
from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.middleware import JSON_MAX_DEPTH, REQUEST_BODY_MAX_BYTES, json_nesting_exceeds
from eduboard.core.models import ImportJob
from eduboard.core.text import (
    LONGER_TEXTS,
    TEXT_MAX_CHARACTERS,
    TextLengthValidator,
    text_limit,
    validate_no_invisible_characters,
)
from eduboard.people.forms import StaffMemberForm, VacancyForm
from eduboard.people.models import PositionKind, StaffMember, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Institution

pytestmark = pytest.mark.both_databases

LIMITS = "eduboard.core.middleware.InputLimitsMiddleware"
DEEP = "[" * 100_000
VACANCY = {
    "institution": "9000000011",
    "position": "subject_teacher",
    "subject": "informātika",
    "fte": "0.5",
    "declared_on": "2024-08-01",
}


@pytest.fixture(autouse=True)
def input_limits(settings: Any) -> Iterator[None]:
    """The limits in the middleware, right after the language is chosen (as settings.MIDDLEWARE has them), and
    DEBUG off as in production."""
    settings.DEBUG = False
    if LIMITS not in settings.MIDDLEWARE:
        at = settings.MIDDLEWARE.index("eduboard.core.middleware.DefaultLanguageMiddleware") + 1
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:at], LIMITS, *settings.MIDDLEWARE[at:]]
    yield


@pytest.fixture
def head(school_a: Institution, make_user: Callable[..., User]) -> User:
    ensure_standard_positions()
    return make_user(Role.INSTITUTION_HEAD, [school_a])


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- the size of a body and the nesting of JSON


def test_the_input_limits_guard_every_request_before_the_session_and_the_views() -> None:
    middleware = project_settings.MIDDLEWARE  # as the project starts, not as the fixture above completes it
    assert LIMITS in middleware
    assert middleware.index(LIMITS) < middleware.index("django.middleware.csrf.CsrfViewMiddleware")
    assert middleware.index(LIMITS) < middleware.index("eduboard.core.middleware.RefuseControlCharactersMiddleware")


@pytest.mark.parametrize("path", ["/", "/people/staff/", "/accounts/login/", "/vacancies/", "/no/such/page/"])
def test_deeply_nested_json_to_a_page_answers_400_as_text_to_a_stranger(db: None, english: None, path: str) -> None:
    response = Client().post(path, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "nested too deeply: at most 64 levels" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/people/staff/", "/api/public/vacancies/", "/api/health/", "/api/nothing/"])
def test_deeply_nested_json_to_the_api_answers_400_in_the_apis_shape(db: None, english: None, path: str) -> None:
    response = Client().post(path, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The JSON body is nested too deeply: at most 64 levels of arrays and objects.",
        "error_codes": {"detail": ["json_too_deep"]},
    }


@pytest.mark.parametrize("content_type", ["application/json", "*/*", "application/*", "text/plain", ""])
def test_deeply_nested_json_from_a_signed_in_user_never_reaches_the_apis_parser(
    head: User, signed_in: Callable[[User], Client], content_type: str
) -> None:
    """DRF's JSON parser takes `*/*` and `application/*` bodies too; none of them may reach it too deep."""
    response = signed_in(head).generic("POST", "/api/people/staff/", DEEP, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["error_codes"] == {"detail": ["json_too_deep"]}
    assert not StaffMember.objects.exists()


def test_objects_nested_too_deeply_are_refused_as_arrays_are(head: User, signed_in: Callable[[User], Client]) -> None:
    body = '{"a":' * 65 + "1" + "}" * 65
    response = signed_in(head).patch("/api/people/staff/1/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error_codes"] == {"detail": ["json_too_deep"]}


def test_json_as_deep_as_the_limit_reaches_the_api_which_answers_for_its_fields(
    english: None, head: User, signed_in: Callable[[User], Client]
) -> None:
    body = json.dumps({"personal_code": "010110-10006", "first_name": json.loads(_nested(JSON_MAX_DEPTH - 1))})
    response = signed_in(head).post("/api/people/staff/", body, content_type="application/json")
    assert response.status_code == 400
    assert "first_name" in response.json() and "detail" not in response.json()


@pytest.mark.parametrize(
    ("body", "too_deep"),
    [
        (_nested(64), False),
        (_nested(65), True),
        ('{"a": [' + "{}, " * 1000 + "{}]}", False),  # many, but side by side
        ('["' + "[" * 1000 + '"]', False),  # brackets inside a string are text
        ('["\\"' + "[" * 1000 + '"]', False),  # an escaped quote does not end the string
        ('["\\\\"' + ", [" * 70 + "]" * 71, True),  # an escaped backslash does: what follows counts
        ("]" * 100 + _nested(64), False),  # stray closing brackets do not make room for more
        ("[" * 65 + '"', True),  # not JSON at all, and deep
    ],
)
def test_the_nesting_is_counted_without_parsing(body: str, too_deep: bool) -> None:
    assert json_nesting_exceeds(body.encode(), 64) is too_deep


def test_the_nesting_limit_is_a_setting(db: None, settings: Any) -> None:
    settings.JSON_MAX_DEPTH = 3
    assert Client().post("/api/health/", _nested(4), content_type="application/json").status_code == 400
    assert Client().post("/api/health/", _nested(3), content_type="application/json").status_code != 400


def test_a_body_over_the_size_limit_answers_413_before_it_is_read(db: None, english: None, settings: Any) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 1000
    api = Client().post("/api/people/staff/", json.dumps({"x": "a" * 1000}), content_type="application/json")
    assert api.status_code == 413
    assert api.json() == {
        "detail": "The request is too large: at most 1000 bytes are accepted, this one has 1009.",
        "error_codes": {"detail": ["request_too_large"]},
    }
    form = urlencode({"username": "a" * 1000, "password": "x"})
    page = Client().post("/accounts/login/", form, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 413 and page["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        Client().post("/api/people/staff/", json.dumps({"x": "a" * 900}), content_type="application/json").status_code
        != 413
    )


def test_a_file_upload_is_left_to_its_own_limits(
    head: User, signed_in: Callable[[User], Client], settings: Any
) -> None:
    settings.REQUEST_BODY_MAX_BYTES = 1000
    upload = SimpleUploadedFile("learners.csv", b"personal_code,first_name\n" * 100, content_type="text/csv")
    response = signed_in(head).post("/imports/registry/learners/", {"file": upload})
    assert response.status_code in (200, 302)
    assert ImportJob.objects.exists()  # the file was taken and read


def test_a_19_mb_vacancy_description_is_refused_by_the_api_and_the_page(
    english: None, head: User, signed_in: Callable[[User], Client], school_a: Institution
) -> None:
    assert REQUEST_BODY_MAX_BYTES < 19_000_000
    description = "Skolotājs. " * 1_800_000  # about 19 MB
    client = signed_in(head)
    body = {**VACANCY, "description": description}
    api = client.post("/api/people/vacancies/", body, content_type="application/json")
    assert api.status_code == 413
    form = {**VACANCY, "institution": school_a.pk, "position": PositionKind.objects.get(code="subject_teacher").pk}
    sent = client.post(
        "/people/vacancies/new/",
        urlencode({**form, "description": description}),
        content_type="application/x-www-form-urlencoded",
    )
    assert sent.status_code == 413
    # Sent as multipart, the text reaches the form (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, 20 MB, is its limit),
    # which refuses it for its length.
    multipart = client.post("/people/vacancies/new/", {**form, "description": "x" * 19_000_000})
    assert multipart.status_code == 200
    assert "At most 10000 characters; this text has 19000000." in multipart.content.decode()
    assert not Vacancy.objects.exists()


# --- every stored text has a length limit


def _text_fields() -> list[tuple[str, models.Field[Any, Any]]]:
    return [
        (f"{model._meta.label}.{field.name}", field)
        for model in apps.get_models()
        if model.__module__.startswith("eduboard.")
        for field in model._meta.fields
        if isinstance(field, models.TextField)
    ]


def test_every_long_text_of_every_eduboard_model_has_its_length_limit() -> None:
    limits = {
        label: [v.limit_value for v in field.validators if isinstance(v, TextLengthValidator)]
        for label, field in _text_fields()
    }
    assert limits and all(found == [text_limit(label)] for label, found in limits.items()), limits
    assert limits["people.Vacancy.description"] == [TEXT_MAX_CHARACTERS]


def test_every_longer_limit_names_a_long_text_that_exists() -> None:
    assert set(LONGER_TEXTS) <= {label for label, _field in _text_fields()}
    assert all(limit > TEXT_MAX_CHARACTERS for limit in LONGER_TEXTS.values())


def test_every_single_line_text_has_a_length_limit() -> None:
    unlimited = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("eduboard.")
        for field in model._meta.fields
        if isinstance(field, models.CharField) and not field.max_length
    ]
    assert unlimited == []


def test_the_limits_do_not_change_migrations() -> None:
    assert "validators" not in Vacancy._meta.get_field("description").deconstruct()[3]
    assert "validators" not in StaffMember._meta.get_field("first_name").deconstruct()[3]


def test_a_description_over_its_limit_is_refused_by_the_api_saying_how_long_it_is(
    english: None, head: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    too_long = {**VACANCY, "description": "ā" * (TEXT_MAX_CHARACTERS + 1)}
    refused = client.post("/api/people/vacancies/", too_long, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["description"] == ["At most 10000 characters; this text has 10001."]
    assert refused.json()["error_codes"] == {"description": ["max_length"]}
    assert not Vacancy.objects.exists()
    at_limit = {**VACANCY, "description": "ā" * TEXT_MAX_CHARACTERS}
    assert client.post("/api/people/vacancies/", at_limit, content_type="application/json").status_code == 201


def test_the_schema_tells_a_client_the_length_limit(head: User, signed_in: Callable[[User], Client]) -> None:
    schema = signed_in(head).get("/api/schema/", {"format": "json"}).json()
    request = schema["components"]["schemas"]["VacancyRequest"]["properties"]["description"]
    assert request["maxLength"] == TEXT_MAX_CHARACTERS


def test_a_description_over_its_limit_is_refused_by_the_form(english: None, head: User, school_a: Institution) -> None:
    data = {**VACANCY, "institution": school_a.pk, "description": "x" * (TEXT_MAX_CHARACTERS + 5)}
    data["position"] = PositionKind.objects.get(code="subject_teacher").pk
    form = VacancyForm(data=data, institutions=Institution.objects.all(), viewer=head)
    assert not form.is_valid()
    assert form.errors["description"] == ["At most 10000 characters; this text has 10005."]


def test_a_self_assessment_criterion_may_run_to_several_pages() -> None:
    validators = apps.get_model("quality", "SelfAssessmentEntry")._meta.get_field("description").validators
    limit = next(v for v in validators if isinstance(v, TextLengthValidator))
    limit("Kritērija apraksts. " * 2_000)  # 40,000 characters pass
    with pytest.raises(ValidationError):
        limit("x" * 50_001)


# --- no invisible or direction-changing characters in names


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("An\u202ena", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("An\u2066na", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("An\u200bna", "U+200B ZERO WIDTH SPACE"),
        ("An\u200fna", "U+200F RIGHT-TO-LEFT MARK"),
        ("An\u2060na", "U+2060 WORD JOINER"),
        ("An\ufeffna", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("An\u00adna", "U+00AD SOFT HYPHEN"),
        ("An\u2028na", "U+2028 LINE SEPARATOR"),
    ],
)
def test_an_invisible_character_is_refused_naming_it_and_its_position(english: None, text: str, named: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_no_invisible_characters(text)
    assert refused.value.messages == [f"Contains an invisible character ({named}) at position 3."]


def test_latvian_and_russian_names_pass() -> None:
    validate_no_invisible_characters("Ēriks Ķēniņš-Žagata, Анна Чернова")


def test_every_single_line_text_of_every_eduboard_model_refuses_invisible_characters() -> None:
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("eduboard.")
        for field in model._meta.fields
        if isinstance(field, models.CharField) and validate_no_invisible_characters not in field.validators
    ]
    assert missing == []


def test_a_right_to_left_override_in_a_name_is_refused_by_the_api(
    english: None, head: User, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(head).post(
        "/api/people/staff/",
        {"personal_code": "010110-10006", "first_name": "An\u202ena", "last_name": "Ozola"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["first_name"] == [
        "Contains an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE) at position 3."
    ]
    assert response.json()["error_codes"]["first_name"] == ["invisible_character"]
    assert not StaffMember.objects.exists()


def test_a_zero_width_space_in_a_name_is_refused_by_the_form(english: None) -> None:
    form = StaffMemberForm(data={"personal_code": "010110-10006", "first_name": "Anna", "last_name": "Ozo\u200bla"})
    assert not form.is_valid()
    assert form.errors["last_name"] == ["Contains an invisible character (U+200B ZERO WIDTH SPACE) at position 4."]


def test_a_long_text_may_hold_a_joiner_and_a_soft_hyphen(head: User, signed_in: Callable[[User], Client]) -> None:
    description = "Darba\u00adaudzinātāja vieta 👩\u200d🏫"
    response = signed_in(head).post(
        "/api/people/vacancies/", {**VACANCY, "description": description}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Vacancy.objects.get().description == description


def test_a_direction_override_in_a_pages_address_answers_400(
    english: None, head: User, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(head).get("/people/staff/", {"q": "\u202eanna"})
    assert response.status_code == 400
    assert "q: Contains an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE) at position 1." in (
        response.content.decode()
    )


def test_a_body_sent_without_a_length_is_measured_and_checked_as_read(db: None) -> None:
    """Under ASGI a chunked body comes with no Content-Length and is still read whole: the limits apply to it."""
    from django.test import RequestFactory

    from eduboard.core.middleware import InputLimitsMiddleware

    request = RequestFactory().post("/api/registry/groups/", "[" * 100_000, content_type="application/json")
    del request.META["CONTENT_LENGTH"]  # the body is still read whole from its stream
    refused = InputLimitsMiddleware.refusal(request)
    assert refused is not None and refused.status_code == 400
    assert json.loads(refused.content)["error_codes"] == {"detail": ["json_too_deep"]}

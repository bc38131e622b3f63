"""No lost update (issue 14, point 2): every row a person edits carries a version checked on save.

For every API route that updates rows: an update without `version` is refused (400), one made on a stale version
is refused with 409 Conflict and changes nothing, and a save writes only the fields that changed. Structurally:
every such route, and every model form of the pages, is versioned. The pages re-show a stale form with a clear
message and what was typed. A write the database refuses as locked is answered 503, never 500.
Real concurrent requests: tests/core/test_versions_concurrency.py.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import OperationalError, connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.mixins import UpdateModelMixin

from eduboard.accounts.roles import Role
from eduboard.api import router
from eduboard.core.api import VersionedWritesMixin
from eduboard.core.declension import CASES
from eduboard.core.forms import VersionedModelForm
from eduboard.core.latvian import key_fields
from eduboard.core.schoolyears import school_year_code_for, school_year_get_or_create
from eduboard.people import services as people_services
from eduboard.people.models import Vacancy
from eduboard.registry import services as registry_services
from eduboard.registry.models import Group, Institution, Programme, QueueEntry
from tests.accounts.matrix_world import CODES, World, build_world, fingerprint, sign_in
from tests.core.versioned_edits import EDITS, detail_url, patch, same

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

STALE_WORDS = "Someone else changed"


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "versions"}}
    with override_settings(CACHES=cache), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def board(world: World, english: None) -> Client:
    return sign_in(world.users[Role.BOARD_ADMIN])


def row(world: World, basename: str) -> Any:
    return world.own(basename)


def version_of(target: Any) -> int:
    version: int = type(target)._default_manager.values_list("version", flat=True).get(pk=target.pk)
    return version


# --- structure: a new editable model without a version fails here


def updatable_viewsets() -> dict[str, type]:
    return {
        basename: viewset
        for _prefix, viewset, basename in router.registry
        if issubclass(viewset, UpdateModelMixin) and {"put", "patch"} & set(viewset.http_method_names)
    }


def test_every_updatable_api_route_is_versioned_and_tested() -> None:
    viewsets = updatable_viewsets()
    assert set(viewsets) == set(EDITS), "every route that updates rows is in tests/core/versioned_edits.EDITS"
    for basename, viewset in viewsets.items():
        model = viewset.queryset.model
        fields = {field.name for field in model._meta.concrete_fields}
        assert "version" in fields, f"{model.__name__} is edited through the API but has no version"
        assert issubclass(viewset, VersionedWritesMixin), f"{basename}: updates do not check the version"
        assert viewset.save_with is not VersionedWritesMixin.save_with, f"{basename}: no service saves it"
        assert "version" in viewset.serializer_class.Meta.fields, f"{basename}: the API does not show the version"


def model_forms() -> list[type[forms.ModelForm]]:
    """Every model form the project defines (its areas' forms and views, and whatever the URLs load)."""
    get_resolver().url_patterns  # noqa: B018 - loads every view module the project routes
    for config in apps.get_app_configs():
        if config.name.startswith("eduboard."):
            for module in ("forms", "views"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError:
                    continue
    found: list[type[forms.ModelForm]] = []
    todo: list[type[forms.ModelForm]] = [forms.ModelForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("eduboard.") and getattr(getattr(sub, "_meta", None), "model", None):
                found.append(sub)
    return found


def test_every_model_form_of_the_pages_carries_the_version() -> None:
    found = model_forms()
    assert len(found) >= 8
    for form_class in found:
        model = form_class._meta.model
        assert "version" in {f.name for f in model._meta.concrete_fields}, f"{model.__name__} has no version"
        assert issubclass(form_class, VersionedModelForm), f"{form_class.__name__} does not carry the version"


def test_the_api_schema_documents_409_for_every_versioned_update(world: World) -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    patched = [(path, ops) for path, ops in schema["paths"].items() if "patch" in ops]
    assert len(patched) == len(EDITS)
    for path, ops in patched:
        for method in ("put", "patch"):
            assert "409" in ops[method]["responses"], f"{method.upper()} {path} does not document 409"
        body = ops["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert "version" in schema["components"]["schemas"][body]["properties"], path


# --- the API, for every versioned route


@pytest.mark.parametrize("basename", sorted(EDITS))
def test_an_update_without_a_version_is_refused_with_400_and_changes_nothing(
    basename: str, world: World, board: Client
) -> None:
    target, edit = row(world, basename), EDITS[basename]
    before = fingerprint(target)
    response = patch(board, detail_url(basename, target.pk), {edit.a: edit.value(edit.a, world)})
    assert response.status_code == 400, response.content
    assert "Send the version you read" in response.json()["version"][0]
    assert fingerprint(target) == before


@pytest.mark.parametrize("basename", sorted(EDITS))
def test_a_stale_update_is_refused_with_409_and_changes_nothing(basename: str, world: World, board: Client) -> None:
    target, edit = row(world, basename), EDITS[basename]
    url, read = detail_url(basename, target.pk), board.get(detail_url(basename, target.pk)).json()
    version = read["version"]
    first = patch(board, url, {edit.a: edit.value(edit.a, world), "version": version})
    assert first.status_code == 200, first.content
    assert first.json()["version"] == version + 1
    assert same(first.json()[edit.a], edit.value(edit.a, world))
    assert same(first.json()[edit.b], read[edit.b])  # the field it did not send is as it was

    after_first = fingerprint(target)
    stale = patch(board, url, {edit.b: edit.value(edit.b, world), "version": version})
    assert stale.status_code == 409, stale.content
    assert STALE_WORDS in stale.json()["version"][0]
    assert fingerprint(target) == after_first
    shown = board.get(url).json()
    assert same(shown[edit.a], edit.value(edit.a, world)) and same(shown[edit.b], read[edit.b])


@pytest.mark.parametrize("basename", sorted(EDITS))
def test_an_update_writes_only_the_fields_it_changed(basename: str, world: World, board: Client) -> None:
    target, edit = row(world, basename), EDITS[basename]
    model = type(target)
    with CaptureQueriesContext(connection) as queries:
        response = patch(
            board, detail_url(basename, target.pk), {edit.a: edit.value(edit.a, world), "version": version_of(target)}
        )
    assert response.status_code == 200, response.content
    prefix = " ".join(("UPDATE", connection.ops.quote_name(model._meta.db_table), "SET "))
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(prefix)]
    assert len(updates) == 1, updates
    written = set(re.findall(r'"(\w+)" = ', updates[0].split(" WHERE ")[0]))
    stamped = {f.column for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
    # The search and sort keys computed from the changed field are written with it (core.latvian).
    keys = {f.column for f in key_fields(model) if edit.a in f.sources}
    # A renamed institution's name in the cases the reports need follows the new name (core.declension).
    cases = {f"name_{case}" for case in CASES} if model is Institution and edit.a == "name" else set()
    assert written == {model._meta.get_field(edit.a).column, "version"} | stamped | keys | cases


def test_an_update_that_changes_nothing_writes_nothing(world: World, board: Client) -> None:
    learner = row(world, "learner")
    version = version_of(learner)
    response = patch(board, detail_url("learner", learner.pk), {"first_name": learner.first_name, "version": version})
    assert response.status_code == 200
    assert version_of(learner) == version


def test_a_put_on_a_stale_version_is_refused_with_409(world: World, board: Client) -> None:
    group = row(world, "group")
    url = detail_url("group", group.pk)
    body = {key: value for key, value in board.get(url).json().items() if key not in {"id", "school_year"}}
    body["school_year_code"] = group.school_year.code
    assert board.put(url, {**body, "name": "1.q"}, content_type="application/json").status_code == 200
    stale = board.put(url, {**body, "name": "1.x"}, content_type="application/json")
    assert stale.status_code == 409
    assert (version_of(group), Group.objects.get(pk=group.pk).name) == (body["version"] + 1, "1.q")


def test_queue_actions_take_the_version_and_refuse_a_stale_one(world: World, board: Client) -> None:
    entry = row(world, "queueentry")
    url = detail_url("queueentry", entry.pk)
    version = version_of(entry)
    assert patch(board, url, {"wanted_start_on": "2026-09-01", "version": version}).status_code == 200
    stale = board.post(f"{url}withdraw/", {"version": version}, content_type="application/json")
    assert stale.status_code == 409 and STALE_WORDS in stale.json()["version"][0]
    assert QueueEntry.objects.get(pk=entry.pk).status == "waiting"
    withdrawn = board.post(f"{url}withdraw/", {"version": version + 1}, content_type="application/json")
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["status"], withdrawn.json()["version"]) == ("withdrawn", version + 2)


def test_a_service_edit_moves_the_version_on_so_an_edit_of_the_old_one_is_refused(world: World, board: Client) -> None:
    """Offers, decisions and transfers count as edits: an API edit made before them is stale."""
    entry = row(world, "queueentry")
    version = version_of(entry)
    registry_services.queue_entry_withdraw(entry=entry, on=date(2025, 1, 20), viewer=world.users[Role.BOARD_ADMIN])
    response = patch(board, detail_url("queueentry", entry.pk), {"wanted_start_on": "2026-09-01", "version": version})
    assert response.status_code == 409


# --- pages: a stale form is shown again, with a clear message and what was typed


def test_a_stale_vacancy_form_is_shown_again_with_the_message_and_what_was_typed(world: World, english: None) -> None:
    vacancy: Vacancy = row(world, "vacancy")
    head = sign_in(world.users[Role.INSTITUTION_HEAD])
    url = f"/people/vacancies/{vacancy.pk}/"
    page = head.get(url)
    version = page.context["form"].initial["version"]
    assert f'name="version" value="{version}"' in page.content.decode()
    # someone else saves a change meanwhile
    theirs = Vacancy.objects.get(pk=vacancy.pk)
    theirs.description = "Viņu apraksts"
    people_services.vacancy_save(vacancy=theirs, expected_version=version)

    form = page.context["form"]
    typed = {name: form[name].value() or "" for name in form.fields}
    typed.update({"subject": "Mana maiņa", "version": version})
    typed = {key: (value.isoformat() if isinstance(value, date) else value) for key, value in typed.items()}
    stale = head.post(url, typed)
    assert stale.status_code == 200
    assert STALE_WORDS in " ".join(stale.context["form"].non_field_errors())
    assert 'value="Mana maiņa"' in stale.content.decode()  # nothing typed is lost
    stored = Vacancy.objects.get(pk=vacancy.pk)
    assert (stored.subject, stored.description, stored.version) == (vacancy.subject, "Viņu apraksts", version + 1)


def test_a_stale_queue_offer_or_decision_is_refused_with_a_clear_message(world: World, english: None) -> None:
    entry: QueueEntry = row(world, "queueentry")
    starts = max(timezone.localdate(), entry.wanted_start_on)
    preschool = Programme.objects.create(code="01011111", name="Pirmsskolas programma", level="preschool")
    group = Group.objects.create(
        institution=world.a,
        school_year=school_year_get_or_create(code=school_year_code_for(starts)),
        programme=preschool,
        name="Rūķīši",
        capacity=20,
    )
    head = sign_in(world.users[Role.INSTITUTION_HEAD])
    offer_url = f"/registry/queue/{entry.pk}/offer/"
    page = head.get(offer_url)
    version = version_of(entry)
    assert f'name="version" value="{version}"' in page.content.decode()
    queue_page = head.get("/registry/queue/").content.decode()
    assert f'name="version" value="{version}"' in queue_page
    registry_services.queue_entry_save(
        entry=QueueEntry.objects.get(pk=entry.pk),
        viewer=world.users[Role.BOARD_ADMIN],
        expected_version=version,
        grounds=[],
    )  # nothing changed: the version stays
    assert version_of(entry) == version
    changed = QueueEntry.objects.get(pk=entry.pk)
    changed.wanted_start_on = date(2026, 9, 1)
    registry_services.queue_entry_save(entry=changed, viewer=world.users[Role.BOARD_ADMIN], expected_version=version)

    stale_offer = head.post(offer_url, {"group": group.pk, "version": version})
    assert stale_offer.status_code == 200
    assert STALE_WORDS in " ".join(stale_offer.context["form"].non_field_errors())
    decided = head.post(f"/registry/queue/{entry.pk}/withdraw/", {"version": version}, follow=True)
    assert STALE_WORDS in decided.content.decode()
    assert QueueEntry.objects.get(pk=entry.pk).status == "waiting"


def test_the_new_person_page_still_saves_the_person_and_the_rate(world: World, english: None) -> None:
    head = sign_in(world.users[Role.INSTITUTION_HEAD])
    code = CODES.for_birth_date(date(1990, 1, 1))
    response = head.post(
        "/people/staff/new/",
        {
            "person-personal_code": code,
            "person-first_name": "Jauna",
            "person-last_name": "Darbiniece",
            "rate-institution": world.a.pk,
            "rate-position": world.own("positionkind").pk,
            "rate-fte": "0.5",
            "rate-start_date": "2025-01-01",
        },
    )
    assert response.status_code == 302, response.context and response.context["employment_form"].errors


# --- a database busy with other writes: a clear answer, never a server error


def test_a_write_the_database_refuses_as_locked_is_answered_503_not_500(
    world: World, board: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("eduboard.registry.services.save_versioned", locked)
    learner = row(world, "learner")
    before = fingerprint(learner)
    response = patch(board, detail_url("learner", learner.pk), {"first_name": "X", "version": version_of(learner)})
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "busy" in response.json()["detail"]
    assert fingerprint(learner) == before

    head = sign_in(world.users[Role.INSTITUTION_HEAD])
    entry = row(world, "queueentry")
    monkeypatch.setattr("eduboard.registry.services._locked_entry", locked)
    page = head.post(f"/registry/queue/{entry.pk}/withdraw/", {"version": version_of(entry)})
    assert page.status_code == 503 and "busy" in page.content.decode()

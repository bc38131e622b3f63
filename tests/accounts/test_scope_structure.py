"""Scope is structural: these checks fail the day a viewset, serializer field, form, model or selector is added
without the viewer's scope, before any data could leak through it.

Every exception below is listed by name with its reason; a stale entry (the class is gone or now conforms) fails too.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.request import Request

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.api import router
from eduboard.core.api import ScopedRelatedFieldMixin, ScopedViewSetMixin
from eduboard.core.forms import ScopedFormMixin
from eduboard.core.imports import Importer
from eduboard.people.api import PublicVacancyViewSet
from eduboard.people.models import StaffMember
from eduboard.quality.api import ExamResultViewSet, ObservationViewSet, QualityStatsViewSet
from eduboard.registry.forms import QueueOfferForm
from eduboard.registry.importers import LearnerImporter
from eduboard.registry.models import Group, Institution, Learner
from eduboard.registry.selectors import registry_stats

pytestmark = pytest.mark.one_database

# Viewsets on the router that are not scoped by ScopedViewSetMixin, and why.
PUBLIC_VIEWSETS: dict[type, str] = {
    PublicVacancyViewSet: "the public list of published vacancies: no sign-in, rows are Vacancy.objects.public_on()",
}
NON_MODEL_VIEWSETS: dict[type, str] = {
    QualityStatsViewSet: "figures only (no queryset, no serializer): each action calls a selector with visible_to",
}
# Scoped viewsets that override get_queryset (ScopedViewSetMixin asks them not to), and why it is still scoped.
GET_QUERYSET_OVERRIDES: dict[type, str] = {
    ObservationViewSet: "selectors.observation_list(visible_to=user); Observation.editable_by is visible_to",
    ExamResultViewSet: "selectors.exam_result_list(visible_to=user); read-only",
}
# Models the API links to that have no scope rule of their own, and why none is needed.
UNSCOPED_LINK_TARGETS: dict[str, str] = {
    "accounts.User": (
        "never chosen through the API: an observation's observer is the caller (request.user) and no serializer "
        "exposes StaffMember.user or ObservationForm.created_by; accounts are managed in the back office only"
    ),
}

REGISTERED = [(basename, viewset) for _prefix, viewset, basename in router.registry]
SCOPED = [(basename, viewset) for basename, viewset in REGISTERED if issubclass(viewset, ScopedViewSetMixin)]


def eduboard_modules(name: str) -> Iterator[ModuleType]:
    """`eduboard.<area>.<name>` of every area that has one."""
    for config in apps.get_app_configs():
        if not config.name.startswith("eduboard."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.{name}":
                raise


def every_eduboard_module() -> Iterator[ModuleType]:
    """Every module of every eduboard area, whatever its name (migrations apart): forms, serializers and importers
    are found wherever they are written (`course_forms.py`, a form in a views module …)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("eduboard."):
            continue
        package = importlib.import_module(config.name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{config.name}."):
            if ".migrations" not in info.name:
                yield importlib.import_module(info.name)


EVERY_MODULE = list(every_eduboard_module())


def defined_in(module: ModuleType, base: type) -> list[type]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, base) and value.__module__ == module.__name__
    ]


def board_request(method: str = "post") -> Request:
    request = Request(getattr(RequestFactory(), method)("/api/"))
    request.user = User(username="structure", role=Role.BOARD_ADMIN)
    return request


def unscoped_related_fields(serializer: serializers.BaseSerializer, path: str = "") -> list[str]:
    """Dotted names of the writable related fields (nested serializers included) that ignore the viewer's scope."""
    if isinstance(serializer, serializers.ListSerializer):
        return unscoped_related_fields(serializer.child, path)
    found = []
    for name, field in serializer.fields.items():
        where = f"{path}{name}"
        if field.read_only:
            continue
        if isinstance(field, serializers.BaseSerializer):
            found += unscoped_related_fields(field, f"{where}.")
            continue
        relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
        if isinstance(relation, serializers.RelatedField) and not isinstance(relation, ScopedRelatedFieldMixin):
            found.append(where)
    return found


# --- a. every viewset on the router is scoped, or listed with its reason


@pytest.mark.parametrize(("basename", "viewset"), REGISTERED, ids=[basename for basename, _v in REGISTERED])
def test_every_api_viewset_applies_the_viewers_scope(basename: str, viewset: type) -> None:
    if viewset in PUBLIC_VIEWSETS:
        assert not issubclass(viewset, ScopedViewSetMixin), f"{viewset.__name__} is scoped now: drop it from the list"
        return
    if viewset in NON_MODEL_VIEWSETS:
        assert getattr(viewset, "queryset", None) is None and getattr(viewset, "serializer_class", None) is None, (
            f"{viewset.__name__} serves rows now: make it a ScopedViewSetMixin"
        )
        return
    assert issubclass(viewset, ScopedViewSetMixin), (
        f"{basename}: {viewset.__name__} is not a ScopedViewSetMixin (core.api.ScopedModelViewSet or "
        "ScopedReadOnlyViewSet), so its rows are not narrowed to the caller's scope"
    )


def test_the_lists_of_unscoped_viewsets_name_registered_viewsets_only() -> None:
    registered = {viewset for _basename, viewset in REGISTERED}
    assert set(PUBLIC_VIEWSETS) <= registered
    assert set(NON_MODEL_VIEWSETS) <= registered
    assert set(GET_QUERYSET_OVERRIDES) <= registered


@pytest.mark.parametrize(("basename", "viewset"), SCOPED, ids=[basename for basename, _v in SCOPED])
def test_scoped_viewsets_leave_get_queryset_to_the_mixin(basename: str, viewset: type) -> None:
    overriding = []
    for klass in viewset.__mro__:
        if klass is ScopedViewSetMixin:
            break
        if "get_queryset" in vars(klass):
            overriding.append(klass.__name__)
    if viewset in GET_QUERYSET_OVERRIDES:
        assert overriding, f"{viewset.__name__} no longer overrides get_queryset: drop it from the list"
    else:
        assert not overriding, (
            f"{basename}: {overriding} override get_queryset, which bypasses visible_to/editable_by; set `queryset`"
        )


# --- b. every writable related field of every API serializer is scoped


@pytest.mark.parametrize(("basename", "viewset"), SCOPED, ids=[basename for basename, _v in SCOPED])
def test_viewset_serializer_related_fields_are_scoped(basename: str, viewset: type) -> None:
    view = viewset(request=board_request(), format_kwarg=None, action="create", kwargs={})
    serializer = view.get_serializer()
    assert unscoped_related_fields(serializer) == [], (
        f"{basename}: {type(serializer).__name__} has writable related fields that accept any row; use "
        "ScopedPrimaryKeyRelatedField / ScopedSlugRelatedField (or ScopedModelSerializer's generated fields)"
    )


API_SERIALIZERS = [
    serializer
    for module in EVERY_MODULE
    for serializer in defined_in(module, serializers.Serializer)
    if "__init__" not in vars(serializer)
    and not (issubclass(serializer, serializers.ModelSerializer) and not hasattr(serializer, "Meta"))  # a base
]


@pytest.mark.parametrize("serializer_class", API_SERIALIZERS, ids=[s.__qualname__ for s in API_SERIALIZERS])
def test_every_api_serializer_scopes_its_related_fields(serializer_class: type) -> None:
    """Also the serializers of actions (offer, transfer, …) that no viewset names as its serializer_class."""
    serializer = serializer_class(context={"request": board_request()})
    assert unscoped_related_fields(serializer) == []


# --- c. every form with model choices narrows them to the viewer's scope


FORMS_WITH_MODEL_CHOICES = [
    form
    for module in EVERY_MODULE
    for form in defined_in(module, forms.BaseForm)
    if any(isinstance(field, forms.ModelChoiceField) for field in form.base_fields.values())
]


def test_forms_with_model_choices_are_found_in_every_module() -> None:
    modules = {form.__module__ for form in FORMS_WITH_MODEL_CHOICES}
    assert len(FORMS_WITH_MODEL_CHOICES) >= 20
    assert {"eduboard.assets.views", "eduboard.courses.forms"} & modules, modules


@pytest.mark.parametrize(
    "form_class", FORMS_WITH_MODEL_CHOICES, ids=[f"{f.__module__}.{f.__qualname__}" for f in FORMS_WITH_MODEL_CHOICES]
)
def test_forms_with_model_choices_are_scoped(form_class: type) -> None:
    choices = [name for name, field in form_class.base_fields.items() if isinstance(field, forms.ModelChoiceField)]
    assert issubclass(form_class, ScopedFormMixin), (
        f"{form_class.__module__}.{form_class.__qualname__} offers {choices} without core.forms.ScopedFormMixin: "
        "every choice would be offered and accepted, whatever the viewer's scope"
    )
    public = set(getattr(form_class, "public_choice_fields", ()))
    assert public <= set(choices), f"public_choice_fields names fields the form does not have: {public - set(choices)}"


def test_a_scoped_form_cannot_be_made_without_a_viewer() -> None:
    with pytest.raises(TypeError):
        QueueOfferForm(groups=Group.objects.none())  # type: ignore[call-arg]


# --- d. every model the API serves or links to has one scope rule for reading and one for writing


def api_models() -> list[type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for _basename, viewset in REGISTERED:
        queryset = getattr(viewset, "queryset", None)
        serializer = getattr(viewset, "serializer_class", None)
        model = queryset.model if queryset is not None else getattr(getattr(serializer, "Meta", None), "model", None)
        if model is not None:
            found[model._meta.label] = model
    return sorted(found.values(), key=lambda m: m._meta.label)


def link_targets() -> list[tuple[str, type[models.Model]]]:
    """(model.field, target) of every forward relation of the API's models to a model of the eduboard apps."""
    links = []
    for model in api_models():
        links.append((f"{model._meta.label} (served)", model))
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or not (field.concrete or field.many_to_many):
                continue
            target = field.related_model
            if target is None or not apps.get_app_config(target._meta.app_label).name.startswith("eduboard."):
                continue
            links.append((f"{model._meta.label}.{field.name}", target))
    return links


LINKS = link_targets()


@pytest.mark.parametrize(("link", "target"), LINKS, ids=[link for link, _t in LINKS])
def test_models_the_api_serves_or_links_to_have_visible_to_and_editable_by(
    link: str, target: type[models.Model]
) -> None:
    if target._meta.label in UNSCOPED_LINK_TARGETS:
        return
    queryset = target._default_manager.all()
    missing = [name for name in ("visible_to", "editable_by") if not callable(getattr(queryset, name, None))]
    assert missing == [], f"{link} -> {target._meta.label}: its queryset has no {missing}"


def test_the_unscoped_link_targets_are_still_linked_and_still_unscoped() -> None:
    targets = {target._meta.label: target for _link, target in LINKS}
    for label in UNSCOPED_LINK_TARGETS:
        assert label in targets, f"nothing the API serves links to {label} now: drop it from the list"
        assert not hasattr(targets[label]._default_manager.all(), "visible_to"), f"{label} is scoped now"


# --- e. no viewer, no data: None and a forgotten argument are refused


@pytest.mark.parametrize("model", [Institution, Learner, StaffMember], ids=lambda m: m.__name__)
@pytest.mark.parametrize("rule", ["visible_to", "editable_by"])
def test_scope_rules_refuse_none_as_a_viewer(model: type[models.Model], rule: str) -> None:
    with pytest.raises(TypeError):
        getattr(model._default_manager.all(), rule)(None)


SELECTORS = [
    (f"{module.__name__}.{name}", function)
    for module in [
        *eduboard_modules("selectors"),
        *(importlib.import_module(f"eduboard.reports.readiness.{name}") for name in ("builder", "dashboard")),
    ]
    for name, function in inspect.getmembers(module, inspect.isfunction)
    if function.__module__ == module.__name__
    and not name.startswith("_")
    and {"visible_to", "viewer"} & set(inspect.signature(function).parameters)
]


def test_selectors_that_take_a_viewer_are_found() -> None:
    assert len(SELECTORS) >= 20


@pytest.mark.parametrize(("name", "selector"), SELECTORS, ids=[name for name, _s in SELECTORS])
def test_selectors_take_the_viewer_as_a_required_keyword(name: str, selector: Any) -> None:
    parameters = inspect.signature(selector).parameters
    for argument in {"visible_to", "viewer"} & set(parameters):
        parameter = parameters[argument]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, f"{name}: {argument} is not keyword-only"
        assert parameter.default is inspect.Parameter.empty, f"{name}: {argument} has a default ({parameter.default})"


def test_a_selector_called_without_a_viewer_is_refused() -> None:
    with pytest.raises(TypeError):
        registry_stats(as_of=date(2025, 1, 15))  # type: ignore[call-arg]


IMPORTERS = sorted(
    {importer for module in EVERY_MODULE for importer in defined_in(module, Importer)},
    key=lambda i: f"{i.__module__}.{i.__qualname__}",
)


@pytest.mark.parametrize("importer", IMPORTERS, ids=[i.__qualname__ for i in IMPORTERS])
def test_importers_take_the_viewer_as_a_required_keyword(importer: type[Importer]) -> None:
    parameter = inspect.signature(importer).parameters.get("viewer")
    assert parameter is not None and parameter.default is inspect.Parameter.empty
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY


def test_an_importer_refuses_none_as_a_viewer() -> None:
    with pytest.raises(TypeError):
        LearnerImporter(viewer=None)  # type: ignore[arg-type]


def test_a_scoped_related_field_without_a_request_offers_nothing() -> None:
    from eduboard.core.api import ScopedPrimaryKeyRelatedField

    field = ScopedPrimaryKeyRelatedField(Group)
    with pytest.raises(ImproperlyConfigured):
        field.get_queryset()

"""Issue 39, structurally: every form that offers institutions gets the rule of the one institution from its base
(core.forms.ScopedFormMixin), so a form added tomorrow gives a head of one school their school without being told.

Each form is found in the source (as tests/accounts/test_scope_structure.py finds them), built for the board and
for a head of one of the institutions it offers, and its institution fields are looked at: a required one is the
head's institution, hidden and left out of the listed fields; for the board it stays a choice. A field of public
reference (any preschool as a second choice) is not the viewer's scope and is listed below with its reason; a
stale entry fails."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django import forms

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.forms import INSTITUTION_MODEL, ScopedFormMixin
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from tests.accounts.test_scope_structure import EVERY_MODULE, defined_in
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.one_database

# Institution fields whose choices are not the viewer's scope, and why.
PUBLIC_INSTITUTION_FIELDS: dict[str, str] = {
    "eduboard.registry.forms.QueueRegisterForm.second_choice": "any preschool of the city as a second choice",
    "eduboard.surveys.forms.ResultsFilterForm.institution": "results of any institution the viewer reads, or none",
    "eduboard.courses.forms.RegistrationForm.school": "a participant's school, from the public register",
    "eduboard.centre.programme_forms.StudentCompanyForm.school": "a student company's school, from the public register",
}
# Arguments some forms' constructors need besides the viewer (a new one fails below until it is named here).
CONSTRUCTOR_ARGUMENTS: dict[str, Any] = {
    "institutions": lambda: Institution.objects.all(),
    "audiences": lambda: [],
    "centre_id": lambda: Institution.objects.order_by("pk").values_list("pk", flat=True).first(),
}


def offers_institutions(field: forms.Field) -> bool:
    return (
        isinstance(field, forms.ModelChoiceField)
        and field.queryset is not None
        and field.queryset.model._meta.label == INSTITUTION_MODEL
    )


FORMS = sorted(
    {
        form
        for module in EVERY_MODULE
        for form in defined_in(module, forms.BaseForm)
        if any(offers_institutions(field) for field in form.base_fields.values())
    },
    key=lambda form: f"{form.__module__}.{form.__qualname__}",
)


def name_of(form_class: type, field: str = "") -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}" + (f".{field}" if field else "")


def build(form_class: type, viewer: User) -> Any:
    """The form as a view builds it for `viewer`, unbound."""
    arguments: dict[str, Any] = {"viewer": viewer}
    for name, parameter in inspect.signature(form_class.__init__).parameters.items():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY or name == "viewer":
            continue
        if name in CONSTRUCTOR_ARGUMENTS:
            arguments[name] = CONSTRUCTOR_ARGUMENTS[name]()
        elif parameter.default is inspect.Parameter.empty:
            pytest.fail(f"{name_of(form_class)} needs `{name}`: name a value for it in CONSTRUCTOR_ARGUMENTS")
    return form_class(**arguments)


def test_the_forms_that_offer_institutions_are_found_in_every_area() -> None:
    modules = {form.__module__ for form in FORMS}
    assert len(FORMS) >= 12
    assert {
        "eduboard.people.forms",
        "eduboard.assets.views",
        "eduboard.quality.forms",
        "eduboard.surveys.forms",
    } <= modules


def test_the_public_institution_fields_are_still_there_and_still_public() -> None:
    fields = {name_of(form, name): form for form in FORMS for name in form.base_fields}
    for listed in PUBLIC_INSTITUTION_FIELDS:
        assert listed in fields, f"{listed} is gone: drop it from the list"
        assert listed.rsplit(".", 1)[1] in fields[listed].public_choice_fields, f"{listed} is scoped now"


@pytest.mark.parametrize("form_class", FORMS, ids=[name_of(form) for form in FORMS])
def test_every_form_offering_institutions_takes_the_rule_from_its_base(form_class: type) -> None:
    assert issubclass(form_class, ScopedFormMixin), f"{name_of(form_class)} offers institutions without the base"
    for method in ("settle_only_institution", "_hide_only_institution", "__iter__", "__getitem__", "full_clean"):
        assert getattr(form_class, method) is getattr(ScopedFormMixin, method), (
            f"{name_of(form_class)} overrides {method}: the rule of the one institution is the base's alone"
        )
    for name, field in form_class.base_fields.items():
        if offers_institutions(field):
            assert not field.widget.is_hidden, f"{name_of(form_class, name)} hides itself: leave it to the base"
    for name in form_class.public_choice_fields:
        if offers_institutions(form_class.base_fields[name]):
            assert name_of(form_class, name) in PUBLIC_INSTITUTION_FIELDS, f"why is {name} public? list it here"


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=[name_of(form) for form in FORMS])
def test_a_head_of_one_institution_is_given_it_and_the_board_chooses(form_class: type) -> None:
    for kind in InstitutionType.values:  # every kind, so that a form offering one kind has two to offer
        InstitutionFactory.create_batch(2, type=kind)
    board = UserFactory(role=Role.BOARD_ADMIN)
    for_board = build(form_class, board)
    fields = [
        name
        for name, field in for_board.fields.items()
        if offers_institutions(field) and name_of(form_class, name) not in PUBLIC_INSTITUTION_FIELDS
    ]
    if not fields:  # its institutions are public reference only (listed above, with the reason)
        return
    for name in fields:
        bound = for_board[name]
        choices = list(for_board.fields[name].queryset.values_list("pk", flat=True))
        assert len(choices) >= 2, f"{name_of(form_class, name)} offers the board {choices}: give it a world to offer"
        assert not bound.is_hidden and name in [field.name for field in for_board], (name_of(form_class, name), "board")

        head = UserFactory(role=Role.INSTITUTION_HEAD, institutions=[Institution.objects.get(pk=choices[0])])
        for_head = build(form_class, head)
        field = for_head.fields[name]
        listed = [listed.name for listed in for_head]
        if field.required:
            expected = [choices[0]] if isinstance(field, forms.ModelMultipleChoiceField) else choices[0]
            assert for_head[name].is_hidden and for_head.initial[name] == expected, name_of(form_class, name)
            assert name not in listed, f"{name_of(form_class, name)} is listed for a page though it is no choice"
        else:  # an optional field (a filter): "all" and the one institution are the same rows; it stays
            assert not for_head[name].is_hidden and name in listed, name_of(form_class, name)

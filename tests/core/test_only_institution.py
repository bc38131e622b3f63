"""Issue 39: a head of one school does not pick their school in every form. Where the viewer's scope holds one
institution, a required institution field is that institution, hidden; the server still refuses another one. The
board, and a head of several institutions, choose (core.forms.ScopedFormMixin, one rule for every form)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets.models import Stocktake
from eduboard.people.forms import VacancyForm
from eduboard.people.models import PositionKind, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.quality import selectors as quality_selectors
from eduboard.quality.choices import FRAMEWORK_AREAS7
from eduboard.quality.frameworks import ensure_frameworks
from eduboard.quality.models import SelfAssessment
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

VACANCY_PAGE = "/people/vacancies/new/"
STOCKTAKE_PAGE = "/assets/stock-takes/"
SELF_ASSESSMENT_PAGE = "/quality/self-assessments/start/"


@pytest.fixture
def head(school_a: Institution, school_b: Institution, make_user: Callable[..., User]) -> User:
    return make_user(Role.INSTITUTION_HEAD, [school_a])


@pytest.fixture
def head_of_two(school_a: Institution, school_b: Institution, make_user: Callable[..., User]) -> User:
    return make_user(Role.INSTITUTION_HEAD, [school_a, school_b])


@pytest.fixture
def board(school_a: Institution, school_b: Institution, make_user: Callable[..., User]) -> User:
    return make_user(Role.BOARD_ADMIN)


def vacancy_data(**extra: object) -> dict[str, object]:
    ensure_standard_positions()
    position = PositionKind.objects.get(code="subject_teacher")
    return {"position": position.pk, "subject": "informātika", "fte": "0.5", "declared_on": "2024-08-01", **extra}


def self_assessment_data(**extra: object) -> dict[str, object]:
    ensure_frameworks()
    framework = quality_selectors.framework_in_use(code=FRAMEWORK_AREAS7)
    return {"start-school_year": "2024/2025", "start-framework": framework.pk, **extra}


def institution_inputs(page: str, name: str = "institution") -> tuple[list[str], list[str]]:
    """The page's <select> of `name` (a choice) and its hidden inputs of that name (the value each carries)."""
    selects = re.findall(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    hidden = re.findall(rf'<input type="hidden" name="{name}" value="(\d*)"', page)
    return selects, hidden


# --- a head of one school: the school is given, hidden, on the forms of three areas


def test_a_head_of_one_school_declares_a_vacancy_without_choosing_the_school(
    head: User, school_a: Institution, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    page = client.get(VACANCY_PAGE).content.decode()
    selects, hidden = institution_inputs(page)
    assert selects == [] and hidden == [str(school_a.pk)]
    assert 'for="id_institution"' not in page  # no label left without its field

    sent = client.post(VACANCY_PAGE, vacancy_data())
    assert sent.status_code == 302
    assert Vacancy.objects.get().institution == school_a


def test_a_head_of_one_school_starts_a_stocktake_of_their_school_with_one_button(
    head: User, school_a: Institution, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    selects, hidden = institution_inputs(client.get(STOCKTAKE_PAGE).content.decode())
    assert selects == [] and hidden == [str(school_a.pk)]
    # A page that sends its visible fields only (here: none but the form's token) still starts it for the school.
    assert client.post(STOCKTAKE_PAGE, {"csrfmiddlewaretoken": "token"}).status_code == 302
    assert Stocktake.objects.get().institution == school_a


def test_a_head_of_one_school_starts_a_self_assessment_without_choosing_the_school(
    head: User, school_a: Institution, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    page = client.get(SELF_ASSESSMENT_PAGE).content.decode()
    selects, hidden = institution_inputs(page, "start-institution")
    assert selects == [] and hidden == [str(school_a.pk)]
    assert client.post(SELF_ASSESSMENT_PAGE, self_assessment_data()).status_code == 302
    assert SelfAssessment.objects.get().institution == school_a


def test_another_school_sent_in_the_hidden_field_is_still_refused(
    head: User, school_b: Institution, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(head)
    vacancy = client.post(VACANCY_PAGE, vacancy_data(institution=school_b.pk))
    stocktake = client.post(STOCKTAKE_PAGE, {"institution": school_b.pk})
    assessment = client.post(SELF_ASSESSMENT_PAGE, self_assessment_data(**{"start-institution": school_b.pk}))
    assert (vacancy.status_code, stocktake.status_code, assessment.status_code) == (200, 200, 200)
    assert not Vacancy.objects.exists() and not Stocktake.objects.exists() and not SelfAssessment.objects.exists()


# --- the board and a head of several institutions choose


@pytest.mark.parametrize("who", ["board", "head_of_two"])
def test_the_board_and_a_head_of_two_schools_choose_the_institution(
    who: str,
    school_a: Institution,
    school_b: Institution,
    signed_in: Callable[[User], Client],
    request: pytest.FixtureRequest,
) -> None:
    client = signed_in(request.getfixturevalue(who))
    for path, name in [
        (VACANCY_PAGE, "institution"),
        (STOCKTAKE_PAGE, "institution"),
        (SELF_ASSESSMENT_PAGE, "start-institution"),
    ]:
        page = client.get(path).content.decode()
        selects, hidden = institution_inputs(page, name)
        assert len(selects) == 1 and hidden == [], (who, path)
        options = re.findall(r'<option value="(\d+)"', selects[0])
        assert {str(school_a.pk), str(school_b.pk)} <= set(options), (who, path)
    # Nothing is chosen for them: without a school the form says so.
    assert client.post(VACANCY_PAGE, vacancy_data()).status_code == 200
    assert client.post(STOCKTAKE_PAGE, {"csrfmiddlewaretoken": "token"}).status_code == 200
    assert client.post(SELF_ASSESSMENT_PAGE, self_assessment_data()).status_code == 200
    assert not Vacancy.objects.exists() and not Stocktake.objects.exists() and not SelfAssessment.objects.exists()


# --- nothing is moved silently


def test_an_edited_row_of_another_institution_keeps_the_choice(
    head: User, school_a: Institution, school_b: Institution
) -> None:
    """A row whose institution is not the viewer's one (a learner who moved, a row the board reassigned) is not
    moved to it by a hidden field: the field stays a choice, and the choice refuses the other institution."""
    ensure_standard_positions()
    elsewhere = Vacancy(institution=school_b, position=PositionKind.objects.get(code="subject_teacher"), fte=1)
    form = VacancyForm(instance=elsewhere, institutions=Institution.objects.all(), viewer=head)
    assert not form["institution"].is_hidden
    assert "institution" in [field.name for field in form]

    new = VacancyForm(institutions=Institution.objects.all(), viewer=head)
    assert new["institution"].is_hidden and new.initial["institution"] == school_a.pk
    assert "institution" not in [field.name for field in new]  # a page listing the fields leaves it out

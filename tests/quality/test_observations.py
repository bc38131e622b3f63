"""Observations: who sees which, the teacher's acknowledgement, versioned forms, the rules of recording."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from eduboard.accounts.models import User
from eduboard.core.scope import WHOLE_CITY
from eduboard.quality import selectors, services
from eduboard.quality.defaults import criterion_codes
from eduboard.quality.importers import ObservationImporter
from eduboard.quality.models import Observation
from tests.quality.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def visible(user: User) -> set[int]:
    return set(Observation.objects.visible_to(user).values_list("pk", flat=True))


def test_a_teacher_never_sees_another_teachers_observations(
    world: World, observe: Callable[..., Observation], signed_in: Callable[[User], Client]
) -> None:
    annas = observe(teacher=world.anna)
    boris = observe(teacher=world.boris)
    assert visible(world.anna_user) == {annas.pk}
    assert visible(world.boris_user) == {boris.pk}
    client = signed_in(world.anna_user)
    assert client.get(f"/quality/observations/{boris.pk}/").status_code == 404
    assert client.get(f"/quality/observations/{annas.pk}/").status_code == 200
    listed = client.get("/api/quality/observations/").json()["results"]
    assert [row["id"] for row in listed] == [annas.pk]
    page = client.get("/quality/observations/").content.decode()
    assert "Kalns" not in page and "Ozola" in page
    # and their figures count only their own lessons
    figures = selectors.observation_figures(
        date_from=date(2023, 9, 1), date_to=date(2024, 6, 30), visible_to=world.anna_user
    )
    assert figures["lessons"] == 1


def test_a_head_sees_their_institutions_observations_and_the_board_sees_all(
    world: World, observe: Callable[..., Observation]
) -> None:
    ours = {observe(teacher=world.anna).pk, observe(teacher=world.boris).pk}
    theirs = observe(teacher=world.carl, institution=world.other_school).pk
    assert visible(world.head) == ours
    assert visible(world.analyst) == ours | {theirs}
    assert visible(world.observer) == ours | {theirs}


def test_the_observed_teacher_acknowledges_and_comments_and_nobody_else_can(
    world: World, observe: Callable[..., Observation], signed_in: Callable[[User], Client]
) -> None:
    observation = observe(teacher=world.anna)
    with pytest.raises(ValidationError):
        services.observation_acknowledge(observation=observation, viewer=world.head, comment="no")
    client = signed_in(world.anna_user)
    client.post(f"/quality/observations/{observation.pk}/", {"comment": "Paldies, ņemšu vērā."})
    observation.refresh_from_db()
    assert observation.acknowledged_at is not None
    assert observation.teacher_comment == "Paldies, ņemšu vērā."
    answer = signed_in(world.head).post(f"/api/quality/observations/{observation.pk}/acknowledge/", {"comment": "x"})
    assert answer.status_code == 403


def test_every_criterion_must_be_answered_from_its_scale(world: World, observe: Callable[..., Observation]) -> None:
    with pytest.raises(ValidationError) as missing:
        observe(answers={"three_parts": ""})
    assert "three_parts" in missing.value.message_dict
    with pytest.raises(ValidationError) as wrong:
        observe(answers={"three_parts": "maybe"})
    assert "three_parts" in wrong.value.message_dict
    assert Observation.objects.count() == 0


def test_only_the_board_records_external_observations_and_only_in_scope(
    world: World, observe: Callable[..., Observation]
) -> None:
    with pytest.raises(ValidationError):
        observe(kind="external", viewer=world.head)
    with pytest.raises(ValidationError):
        observe(kind="internal", institution=world.other_school, teacher=world.carl, viewer=world.head)
    assert observe(kind="internal", viewer=world.head).kind == "internal"
    with pytest.raises(ValidationError):
        observe(on=timezone.localdate() + timedelta(days=1))


def test_changing_a_form_makes_a_new_version_and_old_observations_keep_theirs(
    world: World, observe: Callable[..., Observation]
) -> None:
    old = observe(answers={"lecture_format": "yes"}, on=date(2023, 10, 2))
    first = selectors.form_in_use()
    specs = [s for s in selectors.form_specs(first) if s.code != "lecture_format"]
    specs.append(
        selectors.CriterionSpec("lesson", "Norise", "feedback_given", "Sniegta atgriezeniskā saite", "yes_partly_no")
    )
    second = services.observation_form_revise(
        viewer=WHOLE_CITY, form=first, criteria=specs, note="lekcijas formāts → atgriezeniskā saite"
    )
    assert (first.version, second.version) == (1, 2)
    assert selectors.form_in_use().pk == second.pk
    new = observe(answers={"feedback_given": "no"}, on=date(2023, 10, 3))
    old.refresh_from_db()
    assert old.form_id == first.pk and new.form_id == second.pk
    assert [c.code for c, _label, _meets in selectors.observation_answers(old)] == criterion_codes()
    assert "feedback_given" in ObservationImporter.template_csv()
    assert "lecture_format" not in ObservationImporter.template_csv()
    figures = selectors.observation_figures(
        visible_to=WHOLE_CITY, date_from=date(2023, 9, 1), date_to=date(2024, 6, 30)
    )["criteria"]
    # a criterion kept in both versions counts both lessons; one in a single version only its own
    assert figures["results_defined"]["answered"] == 2
    assert (figures["lecture_format"]["answered"], figures["lecture_format"]["percent"]) == (1, 100.0)
    assert (figures["feedback_given"]["answered"], figures["feedback_given"]["percent"]) == (1, 0.0)


def test_a_revision_with_a_repeated_or_unknown_scale_is_refused(world: World) -> None:
    form = selectors.form_in_use()
    specs = selectors.form_specs(form)
    with pytest.raises(ValidationError):
        services.observation_form_revise(viewer=WHOLE_CITY, form=form, criteria=[*specs, specs[0]])
    with pytest.raises(ValidationError):
        services.observation_form_revise(
            viewer=WHOLE_CITY, form=form, criteria=[selectors.CriterionSpec("g", "G", "x", "X", "no_such_scale")]
        )
    assert selectors.form_in_use().pk == form.pk

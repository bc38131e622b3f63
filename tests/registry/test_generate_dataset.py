"""The synthetic data set: `generate_dataset --scale small` makes valid, countable rows, and only once."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from eduboard.core.scope import WHOLE_CITY
from eduboard.registry import national
from eduboard.registry.models import Enrolment, Group, Institution, Learner
from eduboard.registry.selectors import registry_stats
from eduboard.registry.synthetic import PersonalCodes
from eduboard.registry.validators import validate_personal_code

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 10, 1)


@pytest.fixture
def counts() -> dict[str, int]:
    return national.generate(scale="small", seed=7, year_code="2024/2025")


def test_small_scale_makes_institutions_groups_learners_and_one_enrolment_each(counts: dict[str, int]) -> None:
    assert counts["institutions"] == national.SCALES["small"].institutions == Institution.objects.count()
    assert counts["groups"] == Group.objects.count() > 0
    assert counts["learners"] == counts["enrolments"] == Learner.objects.count() == Enrolment.objects.count()
    assert 300 <= counts["learners"] <= 800
    assert set(Institution.objects.values_list("registration_number", flat=True)) == {
        national.registration_number(index) for index in range(1, counts["institutions"] + 1)
    }
    assert all(
        number.startswith(national.PREFIX)
        for number in Institution.objects.values_list("registration_number", flat=True)
    )
    assert not Learner.objects.filter(enrolments__isnull=True).exists()


def test_every_personal_code_is_valid_unique_and_carries_the_birth_date(counts: dict[str, int]) -> None:
    rows = list(Learner.objects.values_list("personal_code", "birth_date"))
    assert len({code for code, _birth in rows}) == len(rows) == counts["learners"]
    for code, birth in rows:
        validate_personal_code(code)  # raises ValidationError for a bad one
        assert code[:6] == f"{birth:%d%m%y}"


def test_enrolments_start_before_the_school_year_and_some_learners_live_elsewhere(counts: dict[str, int]) -> None:
    assert not Enrolment.objects.filter(enrolled_on__gt=date(2024, 9, 1)).exists()
    assert not Enrolment.objects.filter(left_on__isnull=False).exists()
    assert Learner.objects.filter(declared_municipality__is_home=False).exists()
    assert Learner.objects.filter(declared_municipality__is_home=True).count() > counts["learners"] // 2


def test_registry_stats_counts_every_generated_learner(counts: dict[str, int]) -> None:
    stats = registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)
    assert stats["school_year"] == "2024/2025"
    assert stats["learners_total"] == counts["learners"]
    assert sum(stats["learners_by_level"].values()) == counts["learners"]
    assert stats["enrolled_total"] == counts["learners"]
    assert stats["groups_total"] == counts["groups"]
    assert sum(stats["institutions_by_type"].values()) == counts["institutions"]
    assert (
        stats["learners_from_other_municipalities_total"]
        == Learner.objects.filter(declared_municipality__is_home=False).count()
    )


def test_the_same_seed_makes_the_same_set() -> None:
    first = national.generate(scale="small", seed=3)
    codes = sorted(Learner.objects.values_list("personal_code", flat=True))
    national.remove_generated()
    assert not Institution.objects.exists()
    assert not Learner.objects.exists()
    assert national.generate(scale="small", seed=3) == first
    assert sorted(Learner.objects.values_list("personal_code", flat=True)) == codes


def test_a_second_run_is_refused_and_replace_makes_a_new_set(counts: dict[str, int]) -> None:
    with pytest.raises(national.GeneratedDataExists):
        national.generate(scale="small", seed=7)
    with pytest.raises(CommandError, match="exist already"):
        call_command("generate_dataset", "--scale", "small", stdout=StringIO())
    assert Learner.objects.count() == counts["learners"]  # the refused run saved nothing

    out = StringIO()
    call_command("generate_dataset", "--scale", "small", "--seed", "8", "--replace", stdout=out)
    assert "Removed the earlier generated set" in out.getvalue()
    assert Institution.objects.count() == counts["institutions"]
    assert Enrolment.objects.count() == Learner.objects.count()
    assert registry_stats(visible_to=WHOLE_CITY, as_of=AS_OF)["learners_total"] == Learner.objects.count()


def test_replace_keeps_rows_that_are_not_generated(counts: dict[str, int], school_a: Institution) -> None:
    call_command("generate_dataset", "--scale", "small", "--replace", stdout=StringIO())
    assert Institution.objects.filter(pk=school_a.pk).exists()


def test_learner_rows_for_the_import_use_existing_groups_and_new_valid_codes(counts: dict[str, int]) -> None:
    existing = set(Learner.objects.values_list("personal_code", flat=True))
    groups = set(Group.objects.values_list("institution__registration_number", "school_year__code", "name"))
    rows = list(national.learner_rows(count=200, year_code="2024/2025"))
    assert len(rows) == 200
    assert len({row[0] for row in rows}) == 200
    for row in rows:
        validate_personal_code(row[0])
        assert row[0] not in existing
        assert (row[5], row[6], row[7]) in groups


def test_personal_codes_of_one_birth_date_run_out_with_a_clear_error_not_an_invalid_code() -> None:
    codes = PersonalCodes()
    made = {codes.for_birth_date(date(2017, 3, 15)) for _ in range(1000)}
    assert len(made) == 1000
    for code in made:
        validate_personal_code(code)
    with pytest.raises(ValueError, match="no personal codes left for 2017-03-15"):
        codes.for_birth_date(date(2017, 3, 15))


def test_the_countrys_shape_one_board_per_municipality_learners_declared_at_their_boards_home() -> None:
    """`--scale boards` (the country's shape, small): the institutions dealt over the first municipalities' boards,
    each board with a preschool and a school, each learner mostly a resident of their institution's board; every
    board's figures add up to the whole deployment's, computed plainly from the enrolments."""
    from eduboard.registry.board_scope import board_viewer
    from eduboard.registry.boards import Board

    counts = national.generate(scale="boards", seed=3, year_code="2024/2025")
    boards = list(Board.objects.order_by("pk"))
    assert [board.municipality.name for board in boards] == national.MUNICIPALITIES[:3]
    assert [board.code for board in boards[1:]] == ["n-jelgava", "n-jurmala"]
    for board in boards:
        kinds = set(board.institutions.values_list("type", flat=True))
        assert {"preschool"} <= kinds and kinds & {"basic", "secondary"}, board.code
    enrolments = list(Enrolment.objects.select_related("learner", "group__institution__board"))
    at_home = [e for e in enrolments if e.learner.declared_municipality_id == e.group.institution.board.municipality_id]
    assert len(at_home) > 0.85 * len(enrolments) == 0.85 * counts["learners"]
    totals = [
        registry_stats(visible_to=board_viewer(WHOLE_CITY, board.code), as_of=AS_OF)["learners_total"]
        for board in boards
    ]
    plain = [len({e.learner_id for e in enrolments if e.group.institution.board_id == b.pk}) for b in boards]
    assert totals == plain and sum(totals) == counts["learners"]
    national.remove_generated()
    assert list(Board.objects.all()) == boards[:1]  # the generated boards go with their institutions

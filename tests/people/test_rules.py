"""Rules of the people area: FTE rates, the total-FTE warning, and the vacancy life cycle with its version."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from eduboard.people import rules, services
from eduboard.people.models import Employment, PositionKind, StaffMember, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution
from eduboard.registry.synthetic import PersonalCodes

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CODES = PersonalCodes()
START = date(2024, 9, 1)


@pytest.fixture
def positions() -> dict[str, PositionKind]:
    ensure_standard_positions()
    return {p.code: p for p in PositionKind.objects.all()}


def person(first: str, birth: date = date(1980, 3, 15)) -> StaffMember:
    return StaffMember.objects.create(personal_code=CODES.for_birth_date(birth), first_name=first, last_name="Liepa")


def employment(
    who: StaffMember, where: Institution, position: PositionKind, fte: str, start: date = START, end: date | None = None
) -> Employment:
    return Employment(
        staff_member=who, institution=where, position=position, fte=Decimal(fte), start_date=start, end_date=end
    )


def vacancy(where: Institution, position: PositionKind, **fields: Any) -> Vacancy:
    fields.setdefault("fte", Decimal("1"))
    fields.setdefault("declared_on", date(2024, 8, 1))
    return Vacancy.objects.create(institution=where, position=position, **fields)


def error_fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


# --- FTE rates


@pytest.mark.parametrize("fte", ["0", "0.000", "-0.5"])
def test_fte_of_zero_or_below_is_refused_naming_fte(fte: str) -> None:
    with pytest.raises(ValidationError) as refused:
        rules.validate_employment_values(fte=Decimal(fte), start_date=START, end_date=None)
    assert error_fields(refused) == {"fte"}


@pytest.mark.parametrize("fte", ["0.1234", "1.0005", "3.2210001"])
def test_fte_with_more_than_three_decimals_is_refused_naming_fte(fte: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        rules.validate_employment_values(fte=Decimal(fte), start_date=START, end_date=None)
    assert error_fields(refused) == {"fte"}
    assert "three decimals" in " ".join(refused.value.message_dict["fte"])


@pytest.mark.parametrize("fte", ["0.001", "0.5", "1", "3.221"])
def test_fte_above_zero_with_up_to_three_decimals_is_accepted(fte: str) -> None:
    rules.validate_employment_values(fte=Decimal(fte), start_date=START, end_date=None)


def test_end_date_before_the_start_is_refused_naming_end_date() -> None:
    with pytest.raises(ValidationError) as refused:
        rules.validate_employment_values(fte=Decimal("1"), start_date=START, end_date=date(2024, 8, 31))
    assert error_fields(refused) == {"end_date"}
    message = " ".join(refused.value.message_dict["end_date"])
    assert "2024-08-31" in message and "2024-09-01" in message


def test_a_rate_of_one_day_ends_on_its_start_date() -> None:
    rules.validate_employment_values(fte=Decimal("1"), start_date=START, end_date=START)


def test_both_bad_values_are_reported_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        rules.validate_employment_values(fte=Decimal("0"), start_date=START, end_date=date(2024, 1, 1))
    assert error_fields(refused) == {"fte", "end_date"}


def test_employment_save_refuses_a_bad_rate_and_saves_nothing(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = person("Inese")
    with pytest.raises(ValidationError) as zero:
        services.employment_save(employment=employment(teacher, school_a, positions["subject_teacher"], "0"))
    assert "fte" in zero.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        services.employment_save(
            employment=employment(teacher, school_a, positions["subject_teacher"], "1", end=date(2024, 6, 30))
        )
    assert "end_date" in backwards.value.message_dict
    assert not Employment.objects.exists()


def test_the_database_refuses_a_rate_of_zero_and_one_that_ends_before_it_starts(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = person("Inese")
    with pytest.raises(IntegrityError), transaction.atomic():
        employment(teacher, school_a, positions["subject_teacher"], "0").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        employment(teacher, school_a, positions["subject_teacher"], "1", end=date(2024, 8, 31)).save()
    assert not Employment.objects.exists()


# --- the total-FTE warning


def test_total_fte_above_the_limit_warns_and_the_rate_is_still_saved(
    school_a: Institution, school_b: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = person("Inese")
    assert services.employment_save(employment=employment(teacher, school_a, positions["subject_teacher"], "1")) is None
    warning = services.employment_save(employment=employment(teacher, school_b, positions["subject_teacher"], "0.75"))
    assert isinstance(warning, str)
    assert "1.75" in warning and "1.5" in warning and "Inese Liepa" in warning
    assert sorted(Employment.objects.filter(staff_member=teacher).values_list("fte", flat=True)) == [
        Decimal("0.75"),
        Decimal("1"),
    ]


def test_total_fte_exactly_at_the_limit_gives_no_warning(
    school_a: Institution, school_b: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = person("Inese")
    services.employment_save(employment=employment(teacher, school_a, positions["subject_teacher"], "1"))
    assert services.employment_save(employment=employment(teacher, school_b, positions["psychologist"], "0.5")) is None


def test_rates_that_do_not_overlap_in_time_are_not_added_up(
    school_a: Institution, school_b: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = person("Inese")
    services.employment_save(
        employment=employment(
            teacher, school_a, positions["subject_teacher"], "1", start=date(2023, 9, 1), end=date(2024, 8, 31)
        )
    )
    assert services.employment_save(employment=employment(teacher, school_b, positions["subject_teacher"], "1")) is None
    # ...but a rate that overlaps one of them on a single day is
    warning = services.employment_save(
        employment=employment(
            teacher, school_b, positions["deputy_head"], "0.6", start=date(2024, 8, 31), end=date(2024, 8, 31)
        )
    )
    assert warning is not None and "1.6" in warning


def test_the_warning_follows_the_boards_limit(
    school_a: Institution, school_b: Institution, positions: dict[str, PositionKind]
) -> None:
    Board.objects.update(fte_warning_limit=Decimal("2"))
    teacher = person("Inese")
    services.employment_save(employment=employment(teacher, school_a, positions["subject_teacher"], "1"))
    assert (
        services.employment_save(employment=employment(teacher, school_b, positions["subject_teacher"], "0.75")) is None
    )
    Board.objects.update(fte_warning_limit=Decimal("1"))
    other = person("Anna", date(1981, 4, 16))
    services.employment_save(employment=employment(other, school_a, positions["subject_teacher"], "1"))
    warning = services.employment_save(employment=employment(other, school_b, positions["speech_therapist"], "0.25"))
    assert warning is not None and "1.25" in warning
    assert Employment.objects.filter(staff_member=other).count() == 2


# --- vacancy dates


def test_a_vacancy_cannot_be_filled_without_being_published() -> None:
    with pytest.raises(ValidationError) as refused:
        rules.validate_vacancy_dates(
            declared_on=date(2024, 8, 1), published_on=None, filled_on=date(2024, 9, 1), withdrawn_on=None
        )
    assert error_fields(refused) == {"filled_on"}


def test_a_vacancy_cannot_be_filled_before_the_day_it_is_published() -> None:
    with pytest.raises(ValidationError) as refused:
        rules.validate_vacancy_dates(
            declared_on=date(2024, 8, 1), published_on=date(2024, 8, 5), filled_on=date(2024, 8, 4), withdrawn_on=None
        )
    assert error_fields(refused) == {"filled_on"}
    # filled on the day of publication is allowed
    rules.validate_vacancy_dates(
        declared_on=date(2024, 8, 1), published_on=date(2024, 8, 5), filled_on=date(2024, 8, 5), withdrawn_on=None
    )


def test_a_vacancy_cannot_be_published_before_it_is_declared() -> None:
    with pytest.raises(ValidationError) as refused:
        rules.validate_vacancy_dates(
            declared_on=date(2024, 8, 1), published_on=date(2024, 7, 31), filled_on=None, withdrawn_on=None
        )
    assert error_fields(refused) == {"published_on"}


def test_a_filled_vacancy_cannot_be_withdrawn() -> None:
    with pytest.raises(ValidationError) as refused:
        rules.validate_vacancy_dates(
            declared_on=date(2024, 8, 1),
            published_on=date(2024, 8, 2),
            filled_on=date(2024, 9, 1),
            withdrawn_on=date(2024, 9, 2),
        )
    assert error_fields(refused) == {"withdrawn_on"}


def test_the_database_refuses_a_vacancy_filled_before_it_is_published(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    teacher = positions["subject_teacher"]
    with pytest.raises(IntegrityError), transaction.atomic():
        vacancy(school_a, teacher, filled_on=date(2024, 9, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        vacancy(school_a, teacher, published_on=date(2024, 8, 5), filled_on=date(2024, 8, 4))
    with pytest.raises(IntegrityError), transaction.atomic():
        vacancy(school_a, teacher, fte=Decimal("0"))
    assert not Vacancy.objects.exists()


# --- vacancy steps and versions


def test_filling_an_unpublished_vacancy_is_refused_and_changes_nothing(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"])
    with pytest.raises(ValidationError) as refused:
        services.vacancy_step(vacancy_id=open_.pk, step="fill", on=date(2024, 8, 20), version=open_.version)
    assert "filled_on" in refused.value.message_dict
    open_.refresh_from_db()
    assert (open_.filled_on, open_.published_on, open_.version, open_.status) == (None, None, 1, "declared")


def test_filling_on_a_date_before_publication_is_refused(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"])
    published = services.vacancy_step(vacancy_id=open_.pk, step="publish", on=date(2024, 8, 5), version=1)
    with pytest.raises(ValidationError) as refused:
        services.vacancy_step(vacancy_id=open_.pk, step="fill", on=date(2024, 8, 4), version=published.version)
    assert "filled_on" in refused.value.message_dict
    open_.refresh_from_db()
    assert open_.filled_on is None and open_.version == published.version


def test_publish_then_fill_sets_the_dates_and_moves_the_version(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"])
    assert (open_.version, open_.status) == (1, "declared")
    published = services.vacancy_step(vacancy_id=open_.pk, step="publish", on=date(2024, 8, 5), version=1)
    assert (published.published_on, published.version, published.status) == (date(2024, 8, 5), 2, "published")
    filled = services.vacancy_step(vacancy_id=open_.pk, step="fill", on=date(2024, 9, 1), version=2)
    assert (filled.filled_on, filled.version, filled.status) == (date(2024, 9, 1), 3, "filled")
    stored = Vacancy.objects.get(pk=open_.pk)
    assert (stored.declared_on, stored.published_on, stored.filled_on, stored.withdrawn_on, stored.version) == (
        date(2024, 8, 1),
        date(2024, 8, 5),
        date(2024, 9, 1),
        None,
        3,
    )


def test_a_step_on_a_stale_version_is_refused_as_stale(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"])
    services.vacancy_step(vacancy_id=open_.pk, step="publish", on=date(2024, 8, 5), version=1)
    with pytest.raises(ValidationError) as stale:
        services.vacancy_step(vacancy_id=open_.pk, step="fill", on=date(2024, 9, 1), version=1)
    assert stale.value.code == "stale"
    open_.refresh_from_db()
    assert (open_.filled_on, open_.version) == (None, 2)


def test_a_closed_vacancy_takes_no_further_step(school_a: Institution, positions: dict[str, PositionKind]) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"], published_on=date(2024, 8, 2))
    filled = services.vacancy_step(vacancy_id=open_.pk, step="fill", on=date(2024, 9, 1), version=1)
    with pytest.raises(ValidationError) as closed:
        services.vacancy_step(vacancy_id=open_.pk, step="withdraw", on=date(2024, 9, 2), version=filled.version)
    assert closed.value.code == "closed"
    with pytest.raises(ValidationError) as twice:
        services.vacancy_step(vacancy_id=open_.pk, step="publish", on=date(2024, 9, 2), version=filled.version)
    assert twice.value.code == "closed"


def test_publishing_twice_is_refused(school_a: Institution, positions: dict[str, PositionKind]) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"])
    published = services.vacancy_step(vacancy_id=open_.pk, step="publish", on=date(2024, 8, 5), version=1)
    with pytest.raises(ValidationError) as twice:
        services.vacancy_step(vacancy_id=open_.pk, step="publish", on=date(2024, 8, 6), version=published.version)
    assert twice.value.code == "published"
    assert Vacancy.objects.get(pk=open_.pk).published_on == date(2024, 8, 5)


def test_an_unknown_step_is_refused(school_a: Institution, positions: dict[str, PositionKind]) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"])
    with pytest.raises(ValidationError) as unknown:
        services.vacancy_step(vacancy_id=open_.pk, step="hire", on=date(2024, 8, 5), version=1)
    assert unknown.value.code == "unknown_step"


def test_an_edit_of_a_stale_version_is_refused_and_not_saved(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"], subject="ķīmija")
    mine = Vacancy.objects.get(pk=open_.pk)
    theirs = Vacancy.objects.get(pk=open_.pk)
    theirs.fte = Decimal("0.5")
    services.vacancy_save(vacancy=theirs, expected_version=1)
    mine.fte = Decimal("3.221")
    with pytest.raises(ValidationError) as stale:
        services.vacancy_save(vacancy=mine, expected_version=1)
    assert stale.value.code == "stale"
    stored = Vacancy.objects.get(pk=open_.pk)
    assert (stored.fte, stored.version) == (Decimal("0.5"), 2)


def test_an_edit_of_a_vacancy_deleted_meanwhile_is_refused_and_does_not_bring_it_back(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"])
    mine = Vacancy.objects.get(pk=open_.pk)
    open_.delete()
    mine.fte = Decimal("0.5")
    with pytest.raises(ValidationError) as gone:
        services.vacancy_save(vacancy=mine, expected_version=1)
    assert gone.value.code == "gone"
    assert not Vacancy.objects.filter(pk=mine.pk).exists()


def test_an_edit_of_the_current_version_is_saved_and_moves_the_version(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    open_ = vacancy(school_a, positions["subject_teacher"])
    open_.fte = Decimal("3.221")
    open_.published_on = date(2024, 8, 2)
    saved = services.vacancy_save(vacancy=open_, expected_version=1)
    assert saved.version == 2
    stored = Vacancy.objects.get(pk=open_.pk)
    assert (stored.fte, stored.published_on, stored.version) == (Decimal("3.221"), date(2024, 8, 2), 2)


def test_vacancy_save_refuses_filled_before_published_naming_filled_on(
    school_a: Institution, positions: dict[str, PositionKind]
) -> None:
    new = Vacancy(
        institution=school_a,
        position=positions["subject_teacher"],
        fte=Decimal("1"),
        declared_on=date(2024, 8, 1),
        filled_on=date(2024, 9, 1),
    )
    with pytest.raises(ValidationError) as refused:
        services.vacancy_save(vacancy=new)
    assert "filled_on" in refused.value.message_dict
    assert not Vacancy.objects.exists()

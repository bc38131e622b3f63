"""Registry codes: registration numbers, programme codes, personal codes and their masking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from eduboard.registry.importers import LearnerImporter
from eduboard.registry.models import Learner
from eduboard.registry.synthetic import PersonalCodes
from eduboard.registry.validators import (
    mask_personal_code,
    normalise_personal_code,
    personal_code_birth_date,
    personal_code_check_digit,
    validate_personal_code,
    validate_programme_code,
    validate_registration_number,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def refusal_code(validator: Callable[..., object], *args: Any, **kwargs: Any) -> str:
    """The code of the ValidationError `validator` raises (the test fails when it accepts)."""
    with pytest.raises(ValidationError) as refused:
        validator(*args, **kwargs)
    return str(refused.value.code)


# --- registration numbers


@pytest.mark.parametrize("number", ["9000000011", "4500000000", "0000000001"])
def test_registration_number_of_ten_digits_is_accepted(number: str) -> None:
    validate_registration_number(number)


@pytest.mark.parametrize("number", ["900000001", "90000000111", "900000001A", "9000 00001", ""])
def test_registration_number_not_of_exactly_ten_digits_is_refused(number: str) -> None:
    assert refusal_code(validate_registration_number, number) == "invalid_registration_number"


@pytest.mark.parametrize("number", ["９０００００００１１", "٩٠٠٠٠٠٠٠١١", "900000001²"])
def test_registration_number_written_with_non_latin_digits_is_refused(number: str) -> None:
    """The database allows only 0–9; the validator must say so before the database does."""
    assert refusal_code(validate_registration_number, number) == "invalid_registration_number"


# --- programme codes


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("01011111", "preschool"),
        ("11011111", "basic"),
        ("21011111", "basic"),
        ("22011111", "vocational"),
        ("31011011", "secondary"),
        ("32011011", "secondary"),
        ("33214011", "vocational"),
        ("35011011", "vocational"),
    ],
)
def test_ordinary_programme_code_whose_type_fits_the_level_is_accepted(code: str, level: str) -> None:
    validate_programme_code(code, level=level, special_needs="none")


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("01011111", "basic"),
        ("21011111", "preschool"),
        ("21011111", "secondary"),
        ("31011011", "basic"),
        ("34011011", "secondary"),
    ],
)
def test_programme_code_whose_type_does_not_fit_the_level_is_refused(code: str, level: str) -> None:
    assert refusal_code(validate_programme_code, code, level=level, special_needs="none") == (
        "programme_type_level_mismatch"
    )


def test_programme_code_of_an_unknown_type_is_refused() -> None:
    assert refusal_code(validate_programme_code, "99011111", level="basic", special_needs="none") == (
        "unknown_programme_type"
    )


@pytest.mark.parametrize("code", ["2101111", "210111111", "2101111A", "", "21-01111"])
def test_programme_code_not_of_eight_digits_is_refused(code: str) -> None:
    assert refusal_code(validate_programme_code, code, level="basic", special_needs="none") == "invalid_programme_code"


def test_a_vocational_codes_fifth_digit_is_its_field_of_education_not_a_special_programme() -> None:
    """Seed 003's "Transporta pārvadājumu komercdarbinieks", 33345121: field 345 (business and administration)."""
    validate_programme_code("33345121", level="vocational", special_needs="none")
    # The same digits in a general secondary code still say "special programme".
    assert refusal_code(validate_programme_code, "31015611", level="secondary", special_needs="none") == (
        "special_code_without_category"
    )


def test_interest_programme_may_carry_any_eight_digit_municipal_code() -> None:
    validate_programme_code("99999999", level="interest", special_needs="none")
    validate_programme_code("20105011", level="interest", special_needs="none")


@pytest.mark.parametrize(
    ("code", "level", "special_needs"),
    [
        ("21015611", "basic", "learning"),
        ("01015611", "preschool", "mixed"),
        ("21015111", "basic", "visual"),
        ("21015211", "basic", "hearing"),
        ("21015311", "basic", "physical"),
        ("01015411", "preschool", "somatic"),
        ("01015511", "preschool", "language"),
        ("21015711", "basic", "mental_health"),
        ("21015811", "basic", "intellectual"),
        ("21015911", "basic", "severe_intellectual"),
    ],
)
def test_special_programme_with_fifth_digit_5_and_its_category_as_sixth_is_accepted(
    code: str, level: str, special_needs: str
) -> None:
    validate_programme_code(code, level=level, special_needs=special_needs)


@pytest.mark.parametrize(
    ("code", "special_needs"),
    [
        ("21011111", "learning"),  # fifth digit is not 5
        ("21015511", "learning"),  # sixth digit names language disorders
        ("21015811", "visual"),
        ("21016611", "learning"),  # 6 in the fifth place, not 5
    ],
)
def test_special_programme_whose_fifth_and_sixth_digits_do_not_name_its_category_is_refused(
    code: str, special_needs: str
) -> None:
    assert refusal_code(validate_programme_code, code, level="basic", special_needs=special_needs) == (
        "special_code_mismatch"
    )


@pytest.mark.parametrize(("code", "level"), [("21015611", "basic"), ("01015611", "preschool")])
def test_code_with_fifth_digit_5_but_no_special_needs_category_is_refused(code: str, level: str) -> None:
    assert refusal_code(validate_programme_code, code, level=level, special_needs="none") == (
        "special_code_without_category"
    )


# --- personal codes


@pytest.mark.parametrize("birth", [date(2017, 3, 15), date(1999, 12, 31), date(2000, 2, 29), date(1899, 1, 1)])
def test_old_format_personal_code_with_real_date_and_check_digit_is_accepted(birth: date) -> None:
    code = PersonalCodes().for_birth_date(birth)
    assert code[:6] == f"{birth:%d%m}{birth.year % 100:02d}"
    validate_personal_code(code)
    assert personal_code_birth_date(code) == birth


def test_personal_code_is_accepted_without_the_hyphen_too() -> None:
    code = PersonalCodes().for_birth_date(date(2016, 5, 4))
    validate_personal_code(code.replace("-", ""))
    assert normalise_personal_code(code.replace("-", "")) == code
    assert normalise_personal_code(f" {code} ") == code


def test_the_check_digit_is_the_one_python_stdnum_computes() -> None:
    """eduboard computes the check digit itself for speed; it must agree with the library on every remainder."""
    from stdnum.lv.pvn import calc_check_digit_pers

    bodies = [
        f"{day:02d}{month:02d}{year:02d}{century}{serial:03d}"
        for day, month, year, century, serial in (
            (1 + n % 28, 1 + n % 12, n % 100, n % 3, (n * 37) % 1000) for n in range(2000)
        )
    ]
    assert {personal_code_check_digit(body) for body in bodies} == {str(digit) for digit in range(10)}
    assert [personal_code_check_digit(body) for body in bodies] == [calc_check_digit_pers(body) for body in bodies]


def test_old_format_personal_code_with_a_wrong_check_digit_is_refused() -> None:
    code = PersonalCodes().for_birth_date(date(2017, 3, 15))
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    assert refusal_code(validate_personal_code, wrong) == "invalid_personal_code_checksum"


@pytest.mark.parametrize(
    "code",
    [
        "310217-21234",  # 31 February
        "150317-31234",  # century digit 3 does not exist
        "001317-21234",  # day 00, month 13
        "290219-21234",  # 29 February of a common year
    ],
)
def test_old_format_personal_code_without_a_real_birth_date_is_refused(code: str) -> None:
    assert refusal_code(validate_personal_code, code) == "invalid_personal_code_date"


@pytest.mark.parametrize("code", ["320000-00000", "321234-56789", "32123456789"])
def test_new_format_personal_code_starting_32_is_accepted(code: str) -> None:
    validate_personal_code(code)
    assert personal_code_birth_date(code) is None


@pytest.mark.parametrize("code", ["150317-2111", "150317-211177", "15031A-21117", "", "150317_21117"])
def test_personal_code_of_the_wrong_form_is_refused(code: str) -> None:
    assert refusal_code(validate_personal_code, code) == "invalid_personal_code_format"


def test_personal_code_with_the_hyphen_in_the_wrong_place_is_refused() -> None:
    code = PersonalCodes().for_birth_date(date(2017, 3, 15))  # DDMMYY-XNNNN
    misplaced = code[:4] + "-" + code[4:6] + code[7:]
    assert refusal_code(validate_personal_code, misplaced) == "invalid_personal_code_format"


def test_masking_keeps_the_birth_date_and_hides_the_rest() -> None:
    code = PersonalCodes().for_birth_date(date(2017, 3, 15))
    assert mask_personal_code(code) == "150317-*****"
    assert mask_personal_code("321234-56789") == "321234-*****"
    assert "*" in mask_personal_code("") and code[7:] not in mask_personal_code(code)


def test_learner_shows_only_the_masked_personal_code() -> None:
    code = PersonalCodes().for_birth_date(date(2017, 3, 15))
    learner = Learner.objects.create(
        personal_code=code, first_name="Anna", last_name="Bērziņa", birth_date=date(2017, 3, 15)
    )
    assert learner.masked_code == "150317-*****"
    assert code not in str(learner)


def test_learner_with_a_bad_check_digit_fails_model_validation() -> None:
    code = PersonalCodes().for_birth_date(date(2017, 3, 15))
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    learner = Learner(personal_code=wrong, first_name="Anna", last_name="Bērziņa", birth_date=date(2017, 3, 15))
    with pytest.raises(ValidationError) as refused:
        learner.full_clean()
    assert "personal_code" in refused.value.message_dict


def test_the_learner_templates_example_personal_code_is_valid() -> None:
    """A user who copies the template's example row must not get a checksum error for it."""
    validate_personal_code(LearnerImporter.example[0])

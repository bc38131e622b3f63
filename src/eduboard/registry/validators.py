"""Validators of registry codes: registration numbers, programme codes, personal codes."""

from __future__ import annotations

import re
from datetime import date
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Digits 1–2 of a programme code (Latvian education classification, MK 322) and the levels they allow.
PROGRAMME_TYPES: dict[str, frozenset[str]] = {
    "01": frozenset({"preschool"}),
    "11": frozenset({"basic"}),
    "21": frozenset({"basic"}),
    "22": frozenset({"basic", "vocational"}),
    "23": frozenset({"basic", "vocational"}),
    "31": frozenset({"secondary"}),
    "32": frozenset({"vocational", "secondary"}),
    "33": frozenset({"vocational", "secondary"}),
    "34": frozenset({"vocational"}),
    "35": frozenset({"vocational"}),
}
# Sixth digit of a special programme (fifth digit 5) for each special-needs category.
SPECIAL_NEEDS_DIGIT: dict[str, frozenset[str]] = {
    "visual": frozenset({"1"}),
    "hearing": frozenset({"2"}),
    "physical": frozenset({"3"}),
    "somatic": frozenset({"4"}),
    "language": frozenset({"5"}),
    "learning": frozenset({"6"}),
    "mixed": frozenset({"6"}),
    "mental_health": frozenset({"7"}),
    "intellectual": frozenset({"8"}),
    "severe_intellectual": frozenset({"9"}),
}

# Only ASCII digits: str.isdigit() also accepts "９", "٩" and "²", which no register uses.
_REGISTRATION_NUMBER = re.compile(r"[0-9]{10}")
_PROGRAMME_CODE = re.compile(r"[0-9]{8}")
_PERSONAL_CODE = re.compile(r"[0-9]{6}-?[0-9]{5}")


def validate_registration_number(value: str) -> None:
    """An institution's registration number (reģistrācijas Nr.) has exactly 10 digits."""
    if not _REGISTRATION_NUMBER.fullmatch(value):
        raise ValidationError(
            _("A registration number has exactly 10 digits; got “%(value)s”."),
            code="invalid_registration_number",
            params={"value": value},
        )


def validate_programme_code(code: str, *, level: str, special_needs: str) -> None:
    """Check a programme code against its level and special-needs category.

    8 digits; digits 1–2 are the programme type and must fit the level (interest-education
    programmes carry the municipality's own 8-digit code, so any type is accepted for them);
    a special programme of general education has 5 as the fifth digit and its category as the sixth, and only a
    special programme has 5 there (a vocational code's fifth digit is part of its field of education).
    """
    if not _PROGRAMME_CODE.fullmatch(code):
        raise ValidationError(
            _("A programme code has exactly 8 digits; got “%(code)s”."),
            code="invalid_programme_code",
            params={"code": code},
        )
    if level != "interest":
        allowed_levels = PROGRAMME_TYPES.get(code[:2])
        if allowed_levels is None:
            raise ValidationError(
                _("“%(type)s” (digits 1–2 of %(code)s) is not a programme type of the education classification."),
                code="unknown_programme_type",
                params={"type": code[:2], "code": code},
            )
        if level not in allowed_levels:
            raise ValidationError(
                _("Programme type %(type)s does not fit the level “%(level)s”."),
                code="programme_type_level_mismatch",
                params={"type": code[:2], "level": level},
            )
    if level == "vocational":
        # A vocational code's digits 3–5 are the field of education (33345121: 345, business and administration),
        # so its fifth digit says nothing about special needs: the rule below is general education's.
        return
    is_special_code = code[4] == "5"
    if special_needs == "none":
        if is_special_code and level != "interest":
            raise ValidationError(
                _("Code %(code)s is a special programme (fifth digit 5), so it needs a special-needs category."),
                code="special_code_without_category",
                params={"code": code},
            )
        return
    if not is_special_code or code[5] not in SPECIAL_NEEDS_DIGIT[special_needs]:
        raise ValidationError(
            _(
                "A special programme for “%(category)s” has 5 as the fifth digit and %(digit)s as the sixth; "
                "got %(code)s."
            ),
            code="special_code_mismatch",
            params={
                "category": special_needs,
                "digit": "/".join(sorted(SPECIAL_NEEDS_DIGIT[special_needs])),
                "code": code,
            },
        )


_WRITTEN_CODE = re.compile(r"[0-9]{6}-[0-9]{5}")
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")


def normalise_personal_code(value: str) -> str:
    """A personal code as `DDMMYY-XNNNN` (or `32XXXX-XXXXX`), from input with or without the hyphen."""
    value = value.strip()
    if _WRITTEN_CODE.fullmatch(value):  # as most files write it: nothing to do
        return value
    digits = value.replace("-", "").replace(" ", "")
    if _ELEVEN_DIGITS.fullmatch(digits):
        return f"{digits[:6]}-{digits[6:]}"
    return value


# The check digit of an old-format code: (1 + Σ weight × digit) mod 11 mod 10 over its first ten digits, as
# python-stdnum's `stdnum.lv.pvn.calc_check_digit_pers` computes it (tests/registry compare the two). Written here
# over the code's bytes because the learners import checks 100,000 codes a run (docs/performance.md).
_CHECK_WEIGHTS = (10, 5, 8, 4, 2, 1, 6, 3, 7, 9)
_CHECK_OFFSET = 1 - ord("0") * sum(_CHECK_WEIGHTS)  # the digits' bytes are their values plus ord("0")


def personal_code_check_digit(first_ten_digits: str) -> str:
    """The check digit an old-format personal code must end with, from its first ten digits."""
    return str((_CHECK_OFFSET + sum(map(mul, _CHECK_WEIGHTS, first_ten_digits.encode("ascii")))) % 11 % 10)


_CENTURIES = {"0": 1800, "1": 1900, "2": 2000}  # the seventh digit of an old-format code


def personal_code_birth_date(code: str) -> date | None:
    """The birth date an old-format personal code carries; None for the new 32-prefixed codes."""
    digits = code.replace("-", "")
    if digits.startswith("32"):
        return None
    century = _CENTURIES.get(digits[6])
    if century is None:
        return None
    try:
        return date(century + int(digits[4:6]), int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        return None


def validate_personal_code(value: str) -> None:
    """A Latvian personal code (personas kods).

    Old format `DDMMYY-XNNNN`: a real birth date (X gives the century: 0 → 1800s, 1 → 1900s,
    2 → 2000s) and a valid check digit. New format (since 2017) `32XXXX-XXXXX`: 11 digits starting 32.
    """
    digits = value.replace("-", "")
    if not _PERSONAL_CODE.fullmatch(value):
        raise ValidationError(
            _("A personal code has 11 digits, written DDMMYY-XNNNN or 32XXXX-XXXXX; got “%(value)s”."),
            code="invalid_personal_code_format",
            params={"value": value},
        )
    if digits.startswith("32"):
        return
    if personal_code_birth_date(value) is None:
        raise ValidationError(
            _("The personal code %(value)s does not start with a real birth date (DDMMYY and century digit)."),
            code="invalid_personal_code_date",
            params={"value": value},
        )
    if personal_code_check_digit(digits[:10]) != digits[10]:
        raise ValidationError(
            _("The check digit of personal code %(value)s is wrong (bad checksum)."),
            code="invalid_personal_code_checksum",
            params={"value": value},
        )


def personal_code_fault(code: str, *, birth_date: date | None = None) -> str:
    """What is wrong with a stored personal code, as a sentence (empty when nothing is): the reason
    `validate_personal_code` refuses it, or an old-format code whose birth date is not `birth_date`."""
    try:
        validate_personal_code(code)
    except ValidationError as error:
        return " ".join(error.messages)
    carried = personal_code_birth_date(code)
    if birth_date is not None and carried is not None and carried != birth_date:
        return str(
            _("The personal code carries the birth date %(carried)s, the record %(born)s.")
            % {"carried": carried.isoformat(), "born": birth_date.isoformat()}
        )
    return ""


# The shape each validator accepts, for the API's schema (core.openapi.Schema writes it as the field's pattern).
PERSONAL_CODE_SCHEMA_PATTERN = "^[0-9]{6}-?[0-9]{5}$"
validate_registration_number.schema_pattern = "^[0-9]{10}$"  # type: ignore[attr-defined]
validate_personal_code.schema_pattern = PERSONAL_CODE_SCHEMA_PATTERN  # type: ignore[attr-defined]


def mask_personal_code(code: str) -> str:
    """A personal code shown to those who need not see it: `DDMMYY-*****`."""
    return f"{code[:6]}-*****" if len(code) >= 6 else "******-*****"

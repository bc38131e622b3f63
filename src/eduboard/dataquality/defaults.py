"""A new board's data-quality rules: each code's severity, threshold and text in Latvian, English and Russian, which
the board then edits (the texts name the values of a finding in braces: `{learner}`, `{group}`, …).

Plain data, read by the migration that gave the existing boards their rules and by `quality_rules_for_new_board`.
"""

from __future__ import annotations

from decimal import Decimal

#: code: (severity, threshold or None, the threshold's unit, Latvian, English, Russian)
DEFAULT_RULES: dict[str, tuple[str, Decimal | None, str, str, str, str]] = {
    "age_outside_grade": (
        "warning",
        Decimal(2),
        "years",
        "{learner} grupā {group}: vecums {age}, parastais {usual}.",
        "{learner} in {group}: aged {age}, the usual age is {usual}.",
        "{learner} в группе {group}: возраст {age}, обычный {usual}.",
    ),
    "enrolled_before_birth": (
        "error",
        None,
        "",
        "{learner} uzņemts grupā {group} {enrolled_on}, pirms dzimšanas ({birth_date}).",
        "{learner} was enrolled in {group} on {enrolled_on}, before their birth ({birth_date}).",
        "{learner} зачислен в группу {group} {enrolled_on}, до рождения ({birth_date}).",
    ),
    "left_before_enrolled": (
        "error",
        None,
        "",
        "{learner} grupā {group}: atskaitīts {left_on}, pirms uzņemšanas {enrolled_on}.",
        "{learner} in {group}: left on {left_on}, before enrolling on {enrolled_on}.",
        "{learner} в группе {group}: отчислен {left_on}, до зачисления {enrolled_on}.",
    ),
    "two_open_enrolments": (
        "error",
        None,
        "",
        "{learner} vienlaikus mācās {count} vispārējās izglītības grupās: {groups}.",
        "{learner} is enrolled in {count} general-education groups at once: {groups}.",
        "{learner} одновременно учится в {count} группах общего образования: {groups}.",
    ),
    "group_over_capacity": (
        "warning",
        Decimal(0),
        "percent",
        "Grupā {group} ir {enrolled} izglītojamie, vietu skaits {capacity}.",
        "{group} has {enrolled} learners for {capacity} places.",
        "В группе {group} {enrolled} учащихся на {capacity} мест.",
    ),
    "fte_over_limit": (
        "warning",
        None,
        "fte",
        "{staff}: kopā {total} slodzes, vairāk nekā robeža {limit}.",
        "{staff}: {total} FTE in all, more than the limit of {limit}.",
        "{staff}: всего {total} ставки, больше предела {limit}.",
    ),
    "staff_without_employment": (
        "warning",
        None,
        "",
        "{staff} pārbaudes dienā nav darba attiecību (vada grupu: {group}).",
        "{staff} has no employment on the day checked (group led: {group}).",
        "{staff} в день проверки без трудовых отношений (ведёт группу: {group}).",
    ),
    "spending_over_allocation": (
        "warning",
        Decimal(0),
        "percent",
        "{allocation}: izlietoti {spent} EUR no piešķirtajiem {allocated} EUR.",
        "{allocation}: {spent} EUR spent of {allocated} EUR allocated.",
        "{allocation}: израсходовано {spent} EUR из выделенных {allocated} EUR.",
    ),
    "exam_outlier": (
        "warning",
        Decimal("3.5"),
        "z",
        "{result}: vidēji {mean} %, iepriekšējo gadu mediāna {median} % (robustais z {z}).",
        "{result}: mean {mean} %, the median of earlier years {median} % (robust z {z}).",
        "{result}: в среднем {mean} %, медиана прошлых лет {median} % (робастный z {z}).",
    ),
    "personal_code_invalid": (
        "error",
        None,
        "",
        "{learner}: personas kods neder. {reason}",
        "{learner}: the personal code is not valid. {reason}",
        "{learner}: персональный код недействителен. {reason}",
    ),
    "duplicate_learner": (
        "warning",
        None,
        "",
        "{learner}: tas pats vārds, uzvārds un dzimšanas datums kā {other}, bet cits personas kods.",
        "{learner}: the same name and birth date as {other}, under another personal code.",
        "{learner}: те же имя, фамилия и дата рождения, что у {other}, но другой персональный код.",
    ),
}

"""Institution names in the case a report's sentence needs (core.declension), checked on every demonstration name
against the forms written out by hand, and kept on the institution as the board writes them."""

from __future__ import annotations

import pytest

from eduboard.core.declension import decline_word, suggest_cases
from eduboard.registry.choices import InstitutionType
from eduboard.registry.demo import INSTITUTIONS
from eduboard.registry.models import Institution

pytestmark = pytest.mark.one_database

# (nominative, genitive "kā?", dative "kam?", locative "kur?"), as a Latvian official writes them (seed 002:
# "pievienojot to Daugavpils Draudzīgā aicinājuma vidusskolai", "Daugavpils Stropu pamatskolā-attīstības centrā").
EXPECTED = [
    (
        "Daugavpils Ruģeļu pirmsskolas izglītības iestāde",
        "Daugavpils Ruģeļu pirmsskolas izglītības iestādes",
        "Daugavpils Ruģeļu pirmsskolas izglītības iestādei",
        "Daugavpils Ruģeļu pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils pilsētas 4. pirmsskolas izglītības iestāde",
        "Daugavpils pilsētas 4. pirmsskolas izglītības iestādes",
        "Daugavpils pilsētas 4. pirmsskolas izglītības iestādei",
        "Daugavpils pilsētas 4. pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils pilsētas 9. pirmsskolas izglītības iestāde",
        "Daugavpils pilsētas 9. pirmsskolas izglītības iestādes",
        "Daugavpils pilsētas 9. pirmsskolas izglītības iestādei",
        "Daugavpils pilsētas 9. pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils pilsētas 13. pirmsskolas izglītības iestāde",
        "Daugavpils pilsētas 13. pirmsskolas izglītības iestādes",
        "Daugavpils pilsētas 13. pirmsskolas izglītības iestādei",
        "Daugavpils pilsētas 13. pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils pilsētas 15. pirmsskolas izglītības iestāde",
        "Daugavpils pilsētas 15. pirmsskolas izglītības iestādes",
        "Daugavpils pilsētas 15. pirmsskolas izglītības iestādei",
        "Daugavpils pilsētas 15. pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils pilsētas 24. pirmsskolas izglītības iestāde",
        "Daugavpils pilsētas 24. pirmsskolas izglītības iestādes",
        "Daugavpils pilsētas 24. pirmsskolas izglītības iestādei",
        "Daugavpils pilsētas 24. pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils pilsētas 26. pirmsskolas izglītības iestāde",
        "Daugavpils pilsētas 26. pirmsskolas izglītības iestādes",
        "Daugavpils pilsētas 26. pirmsskolas izglītības iestādei",
        "Daugavpils pilsētas 26. pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils pilsētas 27. pirmsskolas izglītības iestāde",
        "Daugavpils pilsētas 27. pirmsskolas izglītības iestādes",
        "Daugavpils pilsētas 27. pirmsskolas izglītības iestādei",
        "Daugavpils pilsētas 27. pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils Ķīmijas apkaimes pirmsskolas izglītības iestāde",
        "Daugavpils Ķīmijas apkaimes pirmsskolas izglītības iestādes",
        "Daugavpils Ķīmijas apkaimes pirmsskolas izglītības iestādei",
        "Daugavpils Ķīmijas apkaimes pirmsskolas izglītības iestādē",
    ),
    (
        "Daugavpils Zinātņu vidusskola",
        "Daugavpils Zinātņu vidusskolas",
        "Daugavpils Zinātņu vidusskolai",
        "Daugavpils Zinātņu vidusskolā",
    ),
    (
        "Daugavpils Valstspilsētas vidusskola",
        "Daugavpils Valstspilsētas vidusskolas",
        "Daugavpils Valstspilsētas vidusskolai",
        "Daugavpils Valstspilsētas vidusskolā",
    ),
    (
        "Daugavpils Draudzīgā aicinājuma vidusskola",
        "Daugavpils Draudzīgā aicinājuma vidusskolas",
        "Daugavpils Draudzīgā aicinājuma vidusskolai",
        "Daugavpils Draudzīgā aicinājuma vidusskolā",
    ),
    (
        "Daugavpils Iespēju vidusskola",
        "Daugavpils Iespēju vidusskolas",
        "Daugavpils Iespēju vidusskolai",
        "Daugavpils Iespēju vidusskolā",
    ),
    (
        "Daugavpils Centra vidusskola",
        "Daugavpils Centra vidusskolas",
        "Daugavpils Centra vidusskolai",
        "Daugavpils Centra vidusskolā",
    ),
    (
        "Daugavpils Stropu pamatskola-attīstības centrs",
        "Daugavpils Stropu pamatskolas-attīstības centra",
        "Daugavpils Stropu pamatskolai-attīstības centram",
        "Daugavpils Stropu pamatskolā-attīstības centrā",
    ),
    (
        "Daugavpils Vienības pamatskola",
        "Daugavpils Vienības pamatskolas",
        "Daugavpils Vienības pamatskolai",
        "Daugavpils Vienības pamatskolā",
    ),
    (
        "Daugavpils Saskaņas pamatskola",
        "Daugavpils Saskaņas pamatskolas",
        "Daugavpils Saskaņas pamatskolai",
        "Daugavpils Saskaņas pamatskolā",
    ),
    (
        "J. Pilsudska Daugavpils valsts poļu ģimnāzija",
        "J. Pilsudska Daugavpils valsts poļu ģimnāzijas",
        "J. Pilsudska Daugavpils valsts poļu ģimnāzijai",
        "J. Pilsudska Daugavpils valsts poļu ģimnāzijā",
    ),
    (
        "Daugavpils Krievu vidusskola-licejs",
        "Daugavpils Krievu vidusskolas-liceja",
        "Daugavpils Krievu vidusskolai-licejam",
        "Daugavpils Krievu vidusskolā-licejā",
    ),
    ("Daugavpils 9. vidusskola", "Daugavpils 9. vidusskolas", "Daugavpils 9. vidusskolai", "Daugavpils 9. vidusskolā"),
    (
        "Mākslu izglītības kompetences centrs “Daugavpils Dizaina un mākslas vidusskola “Saules skola””",
        "Mākslu izglītības kompetences centra “Daugavpils Dizaina un mākslas vidusskola “Saules skola””",
        "Mākslu izglītības kompetences centram “Daugavpils Dizaina un mākslas vidusskola “Saules skola””",
        "Mākslu izglītības kompetences centrā “Daugavpils Dizaina un mākslas vidusskola “Saules skola””",
    ),
    (
        "Daugavpils pilsētas Bērnu un jauniešu centrs “Jaunība”",
        "Daugavpils pilsētas Bērnu un jauniešu centra “Jaunība”",
        "Daugavpils pilsētas Bērnu un jauniešu centram “Jaunība”",
        "Daugavpils pilsētas Bērnu un jauniešu centrā “Jaunība”",
    ),
    (
        "Daugavpils Inovāciju centrs",
        "Daugavpils Inovāciju centra",
        "Daugavpils Inovāciju centram",
        "Daugavpils Inovāciju centrā",
    ),
    (
        "Daugavpils 11. pamatskola",
        "Daugavpils 11. pamatskolas",
        "Daugavpils 11. pamatskolai",
        "Daugavpils 11. pamatskolā",
    ),
    (
        "J. Raiņa Daugavpils 6. pamatskola",
        "J. Raiņa Daugavpils 6. pamatskolas",
        "J. Raiņa Daugavpils 6. pamatskolai",
        "J. Raiņa Daugavpils 6. pamatskolā",
    ),
    ("Daugavpils tehnikums", "Daugavpils tehnikuma", "Daugavpils tehnikumam", "Daugavpils tehnikumā"),
    ("Daugavpils Sporta skola", "Daugavpils Sporta skolas", "Daugavpils Sporta skolai", "Daugavpils Sporta skolā"),
]

OTHER_DEMO_NAMES = {"Daugavpils tehnikums", "Daugavpils Sporta skola"}


@pytest.mark.parametrize(("name", "genitive", "dative", "locative"), EXPECTED)
def test_suggested_cases_of_every_demonstration_name(name: str, genitive: str, dative: str, locative: str) -> None:
    assert tuple(suggest_cases(name)) == (genitive, dative, locative)


def test_the_table_holds_every_institution_of_the_demonstration_registry() -> None:
    written = {row[0] for row in EXPECTED}
    assert {name for _number, name, _short, _type in INSTITUTIONS} <= written
    assert written >= OTHER_DEMO_NAMES


@pytest.mark.parametrize(
    ("word", "case", "expected"),
    [
        ("skola", "genitive", "skolas"),
        ("iestāde", "dative", "iestādei"),
        ("centrs", "locative", "centrā"),
        ("tirgus", "dative", "tirgum"),
        # A genitive that changes the consonant (ansamblis → ansambļa) is not guessed: the board writes it.
        ("ansamblis", "genitive", "ansamblis"),
        ("PII", "genitive", "PII"),
        ("“Jaunība”", "dative", "“Jaunība”"),
    ],
)
def test_word_rules(word: str, case: str, expected: str) -> None:
    assert decline_word(word, case) == expected


def test_a_name_in_quotes_keeps_its_form() -> None:
    assert tuple(suggest_cases("“Saules skola”")) == ("“Saules skola”",) * 3
    assert suggest_cases("BJC “Jaunība”").dative == "BJC “Jaunība”"


def _institution(name: str, **fields: str) -> Institution:
    return Institution.objects.create(
        name=name, type=InstitutionType.BASIC_SCHOOL, registration_number="9111111111", **fields
    )


@pytest.mark.django_db
def test_an_institution_keeps_its_cases_suggested_when_blank_and_as_the_board_writes_them() -> None:
    school = _institution("Daugavpils Saskaņas pamatskola", name_locative="Saskaņas pamatskolā (Daugavpilī)")
    school.refresh_from_db()
    assert school.name_genitive == "Daugavpils Saskaņas pamatskolas"
    assert school.name_dative == "Daugavpils Saskaņas pamatskolai"
    assert school.name_locative == "Saskaņas pamatskolā (Daugavpilī)"  # the board's own form stays

    # Renamed: the suggested forms follow the new name, the board's own stays.
    school.name = "Daugavpils Saskaņas vidusskola"
    school.save()
    school.refresh_from_db()
    assert school.name_genitive == "Daugavpils Saskaņas vidusskolas"
    assert school.name_dative == "Daugavpils Saskaņas vidusskolai"
    assert school.name_locative == "Saskaņas pamatskolā (Daugavpilī)"
    assert school.name_in("genitive") == "Daugavpils Saskaņas vidusskolas"

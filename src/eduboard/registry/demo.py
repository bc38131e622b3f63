"""Demonstration data of the registry: the Daugavpils institutions named in seed 002.

Registration numbers are made up for the demonstration (10 digits, 9-prefixed so they never
collide with the real register); names, types and reorganisations are the seed's.
"""

from __future__ import annotations

from eduboard.registry.choices import InstitutionType as T
from eduboard.registry.models import Institution

# (registration number, name, short name, type)
INSTITUTIONS: list[tuple[str, str, str, str]] = [
    ("9000000001", "Daugavpils Ruģeļu pirmsskolas izglītības iestāde", "Ruģeļu PII", T.PRESCHOOL),
    ("9000000002", "Daugavpils pilsētas 4. pirmsskolas izglītības iestāde", "4. PII", T.PRESCHOOL),
    ("9000000003", "Daugavpils pilsētas 9. pirmsskolas izglītības iestāde", "9. PII", T.PRESCHOOL),
    ("9000000004", "Daugavpils pilsētas 15. pirmsskolas izglītības iestāde", "15. PII", T.PRESCHOOL),
    ("9000000005", "Daugavpils pilsētas 24. pirmsskolas izglītības iestāde", "24. PII", T.PRESCHOOL),
    ("9000000006", "Daugavpils pilsētas 27. pirmsskolas izglītības iestāde", "27. PII", T.PRESCHOOL),
    ("9000000007", "Daugavpils Ķīmijas apkaimes pirmsskolas izglītības iestāde", "Ķīmijas apkaimes PII", T.PRESCHOOL),
    ("9000000011", "Daugavpils Zinātņu vidusskola", "Zinātņu vsk.", T.SECONDARY_SCHOOL),
    ("9000000012", "Daugavpils Valstspilsētas vidusskola", "Valstspilsētas vsk.", T.SECONDARY_SCHOOL),
    ("9000000013", "Daugavpils Draudzīgā aicinājuma vidusskola", "Draudzīgā aicinājuma vsk.", T.SECONDARY_SCHOOL),
    ("9000000014", "Daugavpils Iespēju vidusskola", "Iespēju vsk.", T.SECONDARY_SCHOOL),
    ("9000000015", "Daugavpils Centra vidusskola", "Centra vsk.", T.SECONDARY_SCHOOL),
    ("9000000016", "Daugavpils Stropu pamatskola-attīstības centrs", "SPAC", T.BASIC_SCHOOL),
    ("9000000017", "Daugavpils Vienības pamatskola", "Vienības psk.", T.BASIC_SCHOOL),
    ("9000000018", "Daugavpils Saskaņas pamatskola", "Saskaņas psk.", T.BASIC_SCHOOL),
    ("9000000019", "J. Pilsudska Daugavpils valsts poļu ģimnāzija", "Poļu ģimnāzija", T.GYMNASIUM),
    (
        "9000000021",
        "Mākslu izglītības kompetences centrs “Daugavpils Dizaina un mākslas vidusskola “Saules skola””",
        "Saules skola",
        T.VOCATIONAL,
    ),
    ("9000000031", "Daugavpils pilsētas Bērnu un jauniešu centrs “Jaunība”", "BJC “Jaunība”", T.INTEREST_EDUCATION),
    ("9000000041", "Daugavpils Inovāciju centrs", "Inovāciju centrs", T.INNOVATION_CENTRE),
]


def load() -> dict[str, Institution]:
    """Create or update the demonstration institutions; returns them by registration number."""
    result = {}
    for number, name, short_name, kind in INSTITUTIONS:
        institution, _created = Institution.objects.update_or_create(
            registration_number=number, defaults={"name": name, "short_name": short_name, "type": kind}
        )
        result[number] = institution
    return result

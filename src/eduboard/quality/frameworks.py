"""The quality frameworks eduboard ships (version 1 of each), as plain data the migration and the tests read.

- `mk325_2024`: the four categories of Cabinet Regulation No. 325 (2024) and their twelve criteria;
- `areas7`: the older seven areas used in seed 003 (area 1 is rated as a whole: its one criterion has the code `1`);
- `heads_2024`: the criteria a head's professional work is evaluated on (category 4 "Laba pārvaldība").

Criterion codes are stable: files, the API and the figures name criteria by them. `every_year` marks the criterion
a self-assessment reviews every year (the others at least once in four years).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eduboard.quality.choices import FRAMEWORK_AREAS7, FRAMEWORK_HEADS, FRAMEWORK_MK325, FrameworkKind, QualityLevel

LEVELS = [level.value for level in QualityLevel]

Area = tuple[str, str, list[tuple[str, str]]]  # code, name, [(criterion code, criterion name)]

FRAMEWORKS: list[dict[str, Any]] = [
    {
        "code": FRAMEWORK_MK325,
        "name": "Izglītības kvalitātes vērtēšanas ietvars (MK 2024. gada noteikumi Nr. 325)",
        "kind": FrameworkKind.INSTITUTION.value,
        "source": "Ministru kabineta 2024. gada noteikumi Nr. 325",
        "every_year": {"2.1"},
        "areas": [
            (
                "1",
                "Atbilstība mērķiem",
                [("1.1", "Kompetences un sasniegumi"), ("1.2", "Izglītības turpināšana un nodarbinātība")],
            ),
            (
                "2",
                "Kvalitatīvas mācības",
                [
                    ("2.1", "Mācīšana un mācīšanās"),
                    ("2.2", "Izglītības programmu īstenošana"),
                    ("2.3", "Pedagogu profesionālā kapacitāte"),
                ],
            ),
            (
                "3",
                "Iekļaujoša vide",
                [
                    ("3.1", "Vienlīdzība un iekļaušana"),
                    ("3.2", "Pieejamība"),
                    ("3.3", "Drošība un psiholoģiskā labbūtība"),
                    ("3.4", "Infrastruktūra un resursi"),
                ],
            ),
            (
                "4",
                "Laba pārvaldība",
                [
                    ("4.1", "Administratīvā efektivitāte"),
                    ("4.2", "Vadības profesionālā darbība"),
                    ("4.3", "Atbalsts un sadarbība"),
                ],
            ),
        ],
    },
    {
        "code": FRAMEWORK_AREAS7,
        "name": "Izglītības iestādes darbības kvalitātes vērtēšana septiņās jomās",
        "kind": FrameworkKind.INSTITUTION.value,
        "source": "Pašnovērtējuma ziņojumu jomas un kritēriji līdz 2020. gadam (seed 003)",
        "every_year": {"2.1"},
        "areas": [
            ("1", "Mācību saturs", [("1", "Mācību saturs – iestādes īstenotās izglītības programmas")]),
            (
                "2",
                "Mācīšana un mācīšanās",
                [
                    ("2.1", "Mācīšanas kvalitāte"),
                    ("2.2", "Mācīšanās kvalitāte"),
                    ("2.3", "Vērtēšana kā mācību procesa sastāvdaļa"),
                ],
            ),
            (
                "3",
                "Izglītojamo sasniegumi",
                [
                    ("3.1", "Izglītojamo sasniegumi ikdienas darbā"),
                    ("3.2", "Izglītojamo sasniegumi valsts pārbaudes darbos"),
                ],
            ),
            (
                "4",
                "Atbalsts izglītojamiem",
                [
                    ("4.1", "Psiholoģiskais atbalsts, sociālpedagoģiskais atbalsts"),
                    ("4.2", "Izglītojamo drošības garantēšana (drošība un darba aizsardzība)"),
                    ("4.3", "Atbalsts personības veidošanā"),
                    ("4.4", "Atbalsts karjeras izglītībā"),
                    ("4.5", "Atbalsts mācību darba diferenciācijai"),
                    ("4.6", "Atbalsts izglītojamiem ar speciālām vajadzībām"),
                    ("4.7", "Sadarbība ar izglītojamā ģimeni"),
                ],
            ),
            ("5", "Iestādes vide", [("5.1", "Mikroklimats"), ("5.2", "Fiziskā vide un vides pieejamība")]),
            (
                "6",
                "Iestādes resursi",
                [("6.1", "Iekārtas un materiāltehniskie resursi"), ("6.2", "Personālresursi")],
            ),
            (
                "7",
                "Iestādes darba organizācija, vadība un kvalitātes nodrošināšana",
                [
                    ("7.1", "Iestādes darba pašvērtēšana un attīstības plānošana"),
                    ("7.2", "Iestādes vadības darbs un personāla pārvaldība"),
                    ("7.3", "Iestādes sadarbība ar citām institūcijām"),
                ],
            ),
        ],
    },
    {
        "code": FRAMEWORK_HEADS,
        "name": "Izglītības iestāžu vadītāju profesionālās darbības novērtēšana",
        "kind": FrameworkKind.HEAD.value,
        "source": "MK 2024. gada noteikumi Nr. 325, kategorija “Laba pārvaldība”",
        "every_year": set(),
        "areas": [
            (
                "4",
                "Laba pārvaldība",
                [
                    ("4.1", "Administratīvā efektivitāte"),
                    ("4.2", "Vadības profesionālā darbība"),
                    ("4.3", "Atbalsts un sadarbība"),
                ],
            )
        ],
    },
]

#: The code a head-evaluation file gives its overall level under (the `criterion` column).
OVERALL = "overall"


def create_frameworks(get_model: Callable[[str, str], Any]) -> None:
    """Write version 1 of every shipped framework that is not there yet (a data migration calls it)."""
    framework_model = get_model("quality", "Framework")
    area_model = get_model("quality", "FrameworkArea")
    criterion_model = get_model("quality", "FrameworkCriterion")
    for spec in FRAMEWORKS:
        framework, created = framework_model.objects.get_or_create(
            code=spec["code"],
            version=1,
            defaults={"name": spec["name"], "kind": spec["kind"], "source": spec["source"], "levels": LEVELS},
        )
        if not created:
            continue
        position = 0
        for area_position, (area_code, area_name, criteria) in enumerate(spec["areas"]):
            area = area_model.objects.create(
                framework=framework, code=area_code, name=area_name, position=area_position
            )
            for code, name in criteria:
                criterion_model.objects.create(
                    framework=framework,
                    area=area,
                    code=code,
                    name=name,
                    position=position,
                    every_year=code in spec["every_year"],
                )
                position += 1


def ensure_frameworks() -> None:
    """The shipped frameworks, written when missing (a database emptied by a test's flush, a new one)."""
    from django.apps import apps

    from eduboard.quality import reference_texts

    create_frameworks(apps.get_model)
    reference_texts.fill()

"""The catalogue of the open datasets in DCAT-AP, written as JSON-LD: a `dcat:Catalog` whose `dcat:Dataset`s each have
a title and a description in Latvian and English (language-tagged values), the licence (CC BY 4.0), the publisher
(the board, a `foaf:Agent`), the period (`dct:temporal`), when it last changed (`dct:modified`) and a CSV and a JSON
distribution with their download addresses and media types.

The titles and descriptions here are the catalogue's data in both languages, whatever language the page is read in
(a harvester such as data.gov.lv reads both); the page shows the translated labels of `opendata.choices`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from django.urls import reverse

from eduboard.opendata.choices import DatasetCode
from eduboard.opendata.datasets import LICENCE
from eduboard.opendata.models import Publication
from eduboard.registry.boards import Board

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
IANA = "http://www.iana.org/assignments/media-types/"
EU_FILE_TYPES = {"csv": "CSV", "json": "JSON"}

#: code -> ((Latvian title, English title), (Latvian description, English description)).
TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    DatasetCode.INSTITUTIONS: (
        ("Izglītības iestādes", "Education institutions"),
        (
            "Izglītības iestādes, kas darbojas pārskata dienā: reģistrācijas numurs, nosaukums, veids, dibinātājs un "
            "adrese.",
            "The education institutions working on the reporting day: registration number, name, type, founder and "
            "address.",
        ),
    ),
    DatasetCode.LEARNERS: (
        ("Izglītojamie pa iestādēm, klasēm un mācību valodām", "Learners by institution, grade and language"),
        (
            "Izglītojamo skaits pārskata dienā pa iestādēm, izglītības pakāpēm, klasēm un mācību valodām. Skaits no 1 "
            "līdz 4 nav publicēts, un, kur vajag, nav publicēta arī vēl viena šūna, lai to nevarētu izrēķināt no "
            "kopsummām.",
            "Learners on the reporting day by institution, level, grade and language of instruction. Counts from 1 to "
            "4 are withheld, and where needed one more cell, so that they cannot be worked out from the totals.",
        ),
    ),
    DatasetCode.GROUPS: (
        ("Grupas un brīvās vietas", "Groups and free places"),
        (
            "Grupas un klases pārskata dienā: vietu skaits, izglītojamie un brīvās vietas. Grupā ar 1 līdz 4 "
            "izglītojamiem to skaits un brīvās vietas nav publicētas.",
            "Groups and classes on the reporting day: places, learners and free places. In a group of 1 to 4 "
            "learners their number and the free places are withheld.",
        ),
    ),
    DatasetCode.STAFF_FTE: (
        ("Darbinieki un slodzes pa iestādēm", "Staff and full-time equivalents by institution"),
        (
            "Pedagogi un visi darbinieki katrā iestādē un viņu slodžu summa dienā. Skaits no 1 līdz 4 nav publicēts "
            "kopā ar tā slodzēm.",
            "Pedagogues and all staff of each institution and the sum of their rates on the day. Counts from 1 to 4 "
            "are withheld with their rates.",
        ),
    ),
    DatasetCode.COST_PER_LEARNER: (
        ("Izmaksas uz vienu izglītojamo pa iestādēm", "Cost per learner by institution"),
        (
            "Izdevumi uz vienu izglītojamo mēnesī pa iestādēm un programmu veidiem gadā līdz dienai, no datiem "
            "aprēķināti, ar izglītojamo mēnešu skaitu.",
            "Spending per learner per month by institution and programme kind in the year up to the day, computed "
            "from the data, with the learner-months.",
        ),
    ),
    DatasetCode.EXAM_RESULTS: (
        ("Eksāmenu rezultāti pa iestādēm", "Exam results by institution"),
        (
            "Pēdējā gada eksāmenu un diagnosticējošo darbu rezultāti pa iestādēm: kārtotāju skaits, vidējais "
            "rezultāts un valsts vidējais. Kur kārtoja mazāk nekā 5, rezultāts nav publicēts.",
            "The latest year's exam and test results by institution: candidates, the mean and the national mean. "
            "Where fewer than 5 sat, the result is withheld.",
        ),
    ),
    DatasetCode.CENTRE_VISITS: (
        ("Inovāciju centra apmeklējumi", "Innovation centre visits"),
        (
            "Inovāciju centra apmeklējumi (klašu pieteiktie apmeklējumi, individuāli apmeklētāji un pasākumi) pa "
            "mēnešiem un moduļiem pēdējos 12 mēnešos.",
            "The innovation centre's visits (booked class visits, walk-in visitors and events) by month and module "
            "over the last 12 months.",
        ),
    ),
}
CATALOG_TEXTS = (
    ("Izglītības pārvaldes atvērtie dati", "The education board's open data"),
    (
        "Izglītības pārvaldes publicētās datu kopas par izglītības iestādēm, izglītojamajiem, darbiniekiem, izmaksām, "
        "eksāmenu rezultātiem un inovāciju centru.",
        "The datasets the education board publishes on its institutions, learners, staff, costs, exam results and "
        "innovation centre.",
    ),
)


def _texts(pair: tuple[str, str]) -> list[dict[str, str]]:
    return [{"@value": pair[0], "@language": "lv"}, {"@value": pair[1], "@language": "en"}]


def _day(value: date) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _moment(value: datetime) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def publisher(board: Board, *, absolute: Callable[[str], str]) -> dict[str, Any]:
    """The board as a `foaf:Agent` with its name (Latvian, and English where it has one)."""
    names = [{"@value": board.name, "@language": "lv"}]
    if board.name_en:
        names.append({"@value": board.name_en, "@language": "en"})
    return {
        "@id": absolute(reverse("opendata:index")) + f"#board-{board.code}",
        "@type": "foaf:Agent",
        "foaf:name": names,
    }


def file_url(publication: Publication, fmt: str) -> str:
    """The address of a dataset's file (its latest version)."""
    return reverse("opendata:file", args=[publication.board.code, publication.dataset, fmt])


def dataset_node(publication: Publication, *, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One `dcat:Dataset` of the catalogue: the board's latest version of the dataset."""
    title, description = TEXTS[publication.dataset]
    page = absolute(reverse("opendata:index")) + f"#{publication.board.code}-{publication.dataset}"
    distributions = []
    for fmt, media in MEDIA_TYPES.items():
        url = absolute(file_url(publication, fmt))
        distributions.append(
            {
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": _texts((f"{title[0]} ({fmt.upper()})", f"{title[1]} ({fmt.upper()})")),
                "dcat:accessURL": {"@id": url},
                "dcat:downloadURL": {"@id": url},
                "dcat:mediaType": {"@id": IANA + media},
                "dct:format": {
                    "@id": f"http://publications.europa.eu/resource/authority/file-type/{EU_FILE_TYPES[fmt]}"
                },
                "dct:license": {"@id": LICENCE},
                "dct:modified": _moment(publication.modified),
            }
        )
    return {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": f"{publication.board.code}/{publication.dataset}",
        "dct:title": _texts(title),
        "dct:description": _texts(description),
        "dct:license": {"@id": LICENCE},
        "dct:publisher": publisher(publication.board, absolute=absolute),
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _day(publication.period_start),
            "dcat:endDate": _day(publication.period_end),
        },
        "dct:modified": _moment(publication.modified),
        "dcat:landingPage": {"@id": page},
        "dcat:distribution": distributions,
    }


def catalog(
    publications: Iterable[Publication], *, boards: list[Board], absolute: Callable[[str], str]
) -> dict[str, Any]:
    """The catalogue of `publications` (each board's latest version of each dataset) as a JSON-LD document; its
    publisher is the board (the first board of a deployment of several)."""
    shown = list(publications)
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": absolute(reverse("opendata:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": _texts(CATALOG_TEXTS[0]),
        "dct:description": _texts(CATALOG_TEXTS[1]),
        "dct:license": {"@id": LICENCE},
        "foaf:homepage": {"@id": absolute(reverse("opendata:index"))},
        "dcat:dataset": [dataset_node(publication, absolute=absolute) for publication in shown],
    }
    if boards:
        node["dct:publisher"] = publisher(boards[0], absolute=absolute)
    if shown:
        node["dct:modified"] = _moment(max(publication.modified for publication in shown))
    return node


def catalog_text(publications: Iterable[Publication], *, boards: list[Board], absolute: Callable[[str], str]) -> str:
    """`catalog` written as JSON-LD text."""
    return json.dumps(catalog(publications, boards=boards, absolute=absolute), ensure_ascii=False, indent=1)

"""The catalogue of the open datasets in DCAT-AP 3.0.1, written as JSON-LD: a `dcat:Catalog` whose `dcat:Dataset`s
each have a title and a description in Latvian and English (language-tagged values), the licence (CC BY 4.0), the
publisher (the board, a `foaf:Agent`), the period (`dct:temporal`), when it last changed (`dct:modified`) and a CSV and
a JSON distribution with their download addresses, media types and file types.

Every resource a property points to says its class, the one DCAT-AP's range for that property names (the licence a
`dct:LicenseDocument`, a media type a `dct:MediaType`, a file type a `dct:MediaTypeOrExtent`, a page a
`foaf:Document`): a validator with the official shapes (tests/opendata/shapes) reads the class from the catalogue
itself, without fetching the vocabularies. The titles and descriptions are those of `opendata.choices` (the page's),
given in both languages whatever language the catalogue is asked in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import translation

from eduboard.opendata.choices import CATALOG_DESCRIPTION, CATALOG_TITLE, DESCRIPTIONS, DatasetCode
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
#: The EU file-type vocabulary (the Publications Office's authority table), which DCAT-AP asks `dct:format` to use.
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_FILE_TYPES = {"csv": "CSV", "json": "JSON"}

#: The languages of the catalogue's texts (a harvester such as data.gov.lv reads both).
LANGUAGES = ("lv", "en")


def _texts(text: Any, suffix: str = "") -> list[dict[str, str]]:
    """A translatable text in each of the catalogue's languages, as language-tagged values."""
    values = []
    for language in LANGUAGES:
        with translation.override(language):
            values.append({"@value": f"{text}{suffix}", "@language": language})
    return values


def _day(value: date) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _moment(value: datetime) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def _resource(iri: str, kind: str) -> dict[str, str]:
    """A resource by its IRI with its class (DCAT-AP's range of the property that points to it)."""
    return {"@id": iri, "@type": kind}


def licence() -> dict[str, str]:
    """The licence of the catalogue and of every dataset and file: CC BY 4.0, a `dct:LicenseDocument`."""
    return _resource(LICENCE, "dct:LicenseDocument")


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
    title, description = DatasetCode(publication.dataset).label, DESCRIPTIONS[publication.dataset]
    page = absolute(reverse("opendata:index"))
    # The dataset's IRI is its row on the open-data page; the page itself is its landing page (a foaf:Document).
    iri = f"{page}#{publication.board.code}-{publication.dataset}"
    distributions = []
    for fmt, media in MEDIA_TYPES.items():
        url = absolute(file_url(publication, fmt))
        distributions.append(
            {
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": _texts(title, f" ({fmt.upper()})"),
                "dcat:accessURL": {"@id": url},
                "dcat:downloadURL": {"@id": url},
                "dcat:mediaType": _resource(IANA + media, "dct:MediaType"),
                "dct:format": _resource(EU_FILE_TYPE + EU_FILE_TYPES[fmt], "dct:MediaTypeOrExtent"),
                "dct:license": licence(),
                "dct:modified": _moment(publication.modified),
            }
        )
    return {
        "@id": iri,
        "@type": "dcat:Dataset",
        "dct:identifier": f"{publication.board.code}/{publication.dataset}",
        "dct:title": _texts(title),
        "dct:description": _texts(description),
        "dct:license": licence(),
        "dct:publisher": publisher(publication.board, absolute=absolute),
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _day(publication.period_start),
            "dcat:endDate": _day(publication.period_end),
        },
        "dct:modified": _moment(publication.modified),
        "dcat:landingPage": _resource(page, "foaf:Document"),
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
        "dct:title": _texts(CATALOG_TITLE),
        "dct:description": _texts(CATALOG_DESCRIPTION),
        "dct:license": licence(),
        "foaf:homepage": _resource(absolute(reverse("opendata:index")), "foaf:Document"),
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

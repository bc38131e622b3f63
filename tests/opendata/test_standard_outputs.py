"""The open data's standard outputs pass independent validators: the DCAT-AP catalogue, served and written by
`publish_open_data --out`, has no violation of the official DCAT-AP 3.0.1 SHACL shapes and range shapes (kept verbatim
in tests/opendata/shapes, read by pySHACL); every Atom feed of the site gives each entry an absolute IRI as its id
(RFC 4287, 4.2.6)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyshacl
import pytest
from django.contrib.syndication.views import Feed
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from eduboard.events.models import Event
from eduboard.opendata.dcat import catalog
from eduboard.opendata.models import Publication
from eduboard.opendata.services import opendata_publish
from eduboard.people.models import PositionKind, Vacancy
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.boards import Board
from eduboard.registry.models import Institution
from tests.dataquality.test_checks import enrol, group, learner, school

pytestmark = [
    pytest.mark.django_db,
    # rdflib's own JSON-LD parser builds a ConjunctiveGraph, which rdflib 7 deprecates (nothing of ours).
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.both_databases,
]

AS_OF = date(2024, 10, 15)
SHAPES = Path(__file__).parent / "shapes"
RELEASE = "https://semiceu.github.io/DCAT-AP/releases/3.0.1#"

#: The release's shapes, in the groups it publishes them: its SHACL template with the range shapes (shacl/), the
#: Interoperable Europe testbed's files (html/shacl/: shapes.ttl, constraints on existence, literal ranges and
#: cardinalities; range.ttl, the classes of object ranges), and the deprecated URIs.
SHAPE_SETS = {
    "template and ranges": ("dcat-ap-SHACL.ttl", "ranges.ttl"),
    "testbed shapes and range": ("shapes.ttl", "range.ttl"),
    "deprecated URIs": ("deprecateduris.ttl",),
}
#: Property shapes that ranges.ttl lists under its node shapes but neither file defines (no triple at all).
#: pySHACL refuses such a reference where SHACL engines such as the testbed's skip it; a shape with no path and no
#: constraint checks nothing, so the links are dropped before validating, and the test says if that set changes.
UNDEFINED_IN_RANGES = {
    RELEASE + "dcat:DatasetShape/4918ff7a6c1c4b0eea6403dca4b992b87ee1f4ab",
    RELEASE + "dcat:DatasetShape/95c69c99a1e3ade043911b51b942f206dea0e68d",
    RELEASE + "dcat:DistributionShape/653804840386e33525b3d39d205c174780be414b",
    RELEASE + "dcat:DistributionShape/a07d6e7a0a1790b89a1ce7ff602cbbd9ea835282",
    RELEASE + "dcat:RelationshipShape/b7aa98e1befa5130659568aa62e7f38575dc17c1",
}


def shapes_graph(files: tuple[str, ...]) -> tuple[Graph, set[str]]:
    """The shapes of `files` in one graph, less the `sh:property` links to shapes no file defines (returned)."""
    shapes = Graph()
    for name in files:
        shapes.parse(SHAPES / name, format="turtle")
    undefined = {
        (shape, linked)
        for shape, linked in shapes.subject_objects(SH.property)
        if next(shapes.predicate_objects(linked), None) is None
    }
    for shape, linked in undefined:
        shapes.remove((shape, SH.property, linked))
    return shapes, {str(linked) for _shape, linked in undefined}


def violations(document: str | dict[str, Any], shapes: Graph) -> list[str]:
    """Every result (violation, warning or note) pySHACL finds in a JSON-LD catalogue, one line each."""
    data = Graph().parse(data=document if isinstance(document, str) else json.dumps(document), format="json-ld")
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert isinstance(report, Graph)
    lines = []
    for result in report.subjects(SH.sourceShape, None):
        if (None, SH.result, result) not in report:
            continue  # a detail of another result
        values = {
            name: report.value(result, term)
            for name, term in (
                ("severity", SH.resultSeverity),
                ("node", SH.focusNode),
                ("path", SH.resultPath),
                ("value", SH.value),
                ("message", SH.resultMessage),
            )
        }
        lines.append(" ".join(f"{name}={value}" for name, value in values.items()))
    return sorted(lines)


@pytest.fixture
def two_boards() -> list[Board]:
    """A deployment of two boards, each with a school, its classes and learners, and every dataset published."""
    a = school("9000000101", "Saules skola")  # in the first board, made from the settings if a committed test took it
    home = Board.objects.get()
    home.name_en = "Daugavpils City Education Board"
    home.save()
    other = Board.objects.create(code="rezekne", name="Rēzeknes izglītības pārvalde", council="Rēzeknes dome")
    b = Institution.objects.create(
        name="Rēzeknes vidusskola", type="secondary", registration_number="9000000102", board=other
    )
    for where, size in ((a, 12), (b, 3)):
        first = group(where, level="basic", grade=1, name="1.a", capacity=25)
        tenth = group(where, level="secondary", grade=10, name="10.a", capacity=30)
        for n in range(size):
            enrol(learner("Anna", f"Ozola{where.pk}x{n}", date(2017, 3, 1 + n)), first)
            enrol(learner("Jānis", f"Kalns{where.pk}x{n}", date(2008, 4, 1 + n)), tenth)
    for board in (home, other):
        opendata_publish(board=board, as_of=AS_OF)
    return [home, other]


@pytest.mark.parametrize("name", SHAPE_SETS)
def test_the_catalogue_has_no_violation_of_the_official_dcat_ap_shapes(
    name: str, two_boards: list[Board], tmp_path: Path
) -> None:
    shapes, undefined = shapes_graph(SHAPE_SETS[name])
    assert undefined == (UNDEFINED_IN_RANGES if "ranges.ttl" in SHAPE_SETS[name] else set())
    served = Client().get(reverse("opendata:catalog"))
    assert served.status_code == 200
    assert len(json.loads(served.content)["dcat:dataset"]) == 2 * 7
    found = violations(served.content.decode(), shapes)
    assert found == [], "\n".join(found)
    call_command(
        "publish_open_data", "--out", str(tmp_path), "--as-of", AS_OF.isoformat(), "--base-url", "https://x.lv/",
        stdout=StringIO(),
    )  # fmt: skip
    written = violations((tmp_path / "catalog.jsonld").read_text(encoding="utf-8"), shapes)
    assert written == [], "\n".join(written)


def test_the_shapes_find_a_licence_and_a_media_type_given_without_their_class(two_boards: list[Board]) -> None:
    """The check can fail: the catalogue as it was before DCAT-AP's ranges were kept (bare IRIs) has violations."""
    shapes, _undefined = shapes_graph(SHAPE_SETS["template and ranges"])
    publications = Publication.objects.filter(board=two_boards[0])
    document = json.dumps(catalog(publications, boards=two_boards, absolute=lambda path: f"https://x.lv{path}"))
    for kind in ("dct:LicenseDocument", "dct:MediaType"):  # the class is dropped wherever the resource is named
        assert f', "@type": "{kind}"}}' in document
        document = document.replace(f', "@type": "{kind}"}}', "}")
    found = violations(document, shapes)
    assert {line.split(" node=")[0] for line in found} == {"severity=" + str(SH.Violation)}
    assert any("path=http://purl.org/dc/terms/license" in line and "LicenseDocument" in line for line in found)
    assert any("path=http://www.w3.org/ns/dcat#mediaType" in line and "MediaType" in line for line in found)


def test_every_resource_the_catalogue_points_to_says_its_class(two_boards: list[Board]) -> None:
    served = Graph().parse(data=Client().get(reverse("opendata:catalog")).content.decode(), format="json-ld")
    dct, dcat, foaf = "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#", "http://xmlns.com/foaf/0.1/"
    ranges = {
        dct + "license": dct + "LicenseDocument",
        dcat + "mediaType": dct + "MediaType",
        dct + "format": dct + "MediaTypeOrExtent",
        dcat + "landingPage": foaf + "Document",
        foaf + "homepage": foaf + "Document",
        dct + "publisher": foaf + "Agent",
    }
    for prop, kind in ranges.items():
        values = set(served.objects(None, URIRef(prop)))
        assert values, prop
        assert all((value, RDF.type, URIRef(kind)) in served for value in values), prop


# --- Atom: every entry's id an absolute IRI


def _feeds(patterns: list[Any], prefix: str = "") -> dict[str, Feed]:
    found: dict[str, Feed] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _feeds(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and isinstance(pattern.callback, Feed):
            found["/" + prefix + str(pattern.pattern)] = pattern.callback
    return found


def test_every_atom_feed_gives_each_entry_an_absolute_iri_as_its_id(two_boards: list[Board], settings: Any) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "izglitiba.example.lv"]
    soon = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=3), datetime.min.time()))
    Event.objects.create(title="Zinību diena", starts_at=soon, place="Saules skola", public=True)
    ensure_standard_positions()
    Vacancy.objects.create(
        institution=Institution.objects.get(registration_number="9000000101"),
        position=PositionKind.objects.get(code="subject_teacher"),
        fte="1",
        declared_on=date(2024, 8, 1),
        published_on=timezone.localdate() - timedelta(days=1),
    )
    feeds = _feeds(get_resolver().url_patterns)
    assert set(feeds) == {"/events/feed.atom", "/vacancies/feed.atom", "/open-data/feed.atom"}
    atom = "{http://www.w3.org/2005/Atom}"
    for address in feeds:
        response = Client().get(address, HTTP_HOST="izglitiba.example.lv")
        assert response.status_code == 200, address
        entries = ET.fromstring(response.content).findall(f"{atom}entry")  # noqa: S314 - our own feed
        assert entries, address
        ids = [entry.findtext(f"{atom}id") or "" for entry in entries]
        assert len(set(ids)) == len(ids), address
        for iri in ids:
            parts = urlsplit(iri)
            assert parts.scheme in {"http", "https", "tag"}, (address, iri)
            assert parts.netloc == "izglitiba.example.lv" or iri.startswith("tag:izglitiba.example.lv,"), (address, iri)
    opendata = ET.fromstring(Client().get("/open-data/feed.atom").content)  # noqa: S314 - our own feed
    version = Publication.objects.filter(board=two_boards[0], dataset="learners").get()
    assert f"http://testserver/open-data/#version-{version.pk}" in [
        entry.findtext(f"{atom}id") for entry in opendata.findall(f"{atom}entry")
    ]

"""Publishing the open data: `manage.py publish_open_data --out DIR` writes each board's files and the DCAT-AP
catalogue; a dataset gets a new version (a feed entry) only when its figures change; the public page, files,
catalogue and feed open without signing in; only the board presses "Publish now"."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.opendata.choices import DatasetCode
from eduboard.opendata.models import Publication
from eduboard.opendata.services import opendata_publish
from eduboard.registry.boards import Board
from eduboard.registry.models import Group
from tests.dataquality.test_checks import enrol, group, learner, school

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 10, 15)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def first_grade() -> Group:
    a = school("9000000101", "A skola")
    first = group(a, level="basic", grade=1, name="1.a", capacity=25)
    for n in range(7):
        enrol(learner("Anna", f"Ozola{n}", date(2017, 3, 1 + n)), first)
    return first


def publish(folder: Path, *args: str) -> str:
    out = StringIO()
    call_command("publish_open_data", "--out", str(folder), "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_each_boards_files_and_the_catalogue(tmp_path: Path, first_grade: Group) -> None:
    output = publish(tmp_path, "--base-url", "https://izglitiba.example.lv/")
    board = Board.objects.get()
    assert f"{board.code}: new versions: institutions, learners" in output
    for code in DatasetCode.values:
        assert (tmp_path / board.code / f"{code}.csv").exists() and (tmp_path / board.code / f"{code}.json").exists()
    with (tmp_path / board.code / "learners.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    assert [(row["grade"], row["learners"], row["suppressed"]) for row in rows] == [("1", "7", "false")]
    document = json.loads((tmp_path / board.code / "groups.json").read_text(encoding="utf-8"))
    assert document["rows"][0]["free_places"] == 25 - 7 and document["rows"][0]["group"] == "1.a"
    catalog = json.loads((tmp_path / "catalog.jsonld").read_text(encoding="utf-8"))
    assert catalog["@type"] == "dcat:Catalog" and len(catalog["dcat:dataset"]) == len(DatasetCode.values)
    learners = next(d for d in catalog["dcat:dataset"] if d["dct:identifier"] == f"{board.code}/learners")
    urls = {d["dcat:downloadURL"]["@id"] for d in learners["dcat:distribution"]}
    assert urls == {
        f"https://izglitiba.example.lv/open-data/{board.code}/learners.csv",
        f"https://izglitiba.example.lv/open-data/{board.code}/learners.json",
    }
    assert Publication.objects.count() == len(DatasetCode.values)


def test_the_catalogue_holds_the_dcat_ap_fields_of_every_dataset(first_grade: Group) -> None:
    opendata_publish(board=Board.objects.get(), as_of=AS_OF)
    response = Client().get(reverse("opendata:catalog"))
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    catalog = json.loads(response.content)
    assert catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert catalog["@context"]["dct"] == "http://purl.org/dc/terms/"
    board = Board.objects.get()
    for dataset in catalog["dcat:dataset"]:
        assert dataset["@type"] == "dcat:Dataset"
        for key in ("dct:title", "dct:description"):
            assert {value["@language"] for value in dataset[key]} == {"lv", "en"}
            assert all(value["@value"] for value in dataset[key])
        assert dataset["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
        assert dataset["dct:publisher"]["@type"] == "foaf:Agent"
        assert dataset["dct:publisher"]["foaf:name"][0] == {"@value": board.name, "@language": "lv"}
        temporal = dataset["dct:temporal"]
        assert temporal["@type"] == "dct:PeriodOfTime"
        assert date.fromisoformat(temporal["dcat:startDate"]["@value"]) <= date.fromisoformat(
            temporal["dcat:endDate"]["@value"]
        )
        assert datetime.fromisoformat(dataset["dct:modified"]["@value"])
        media = {d["dcat:mediaType"]["@id"].rsplit("media-types/", 1)[1] for d in dataset["dcat:distribution"]}
        assert media == {"text/csv", "application/json"}
        for distribution in dataset["dcat:distribution"]:
            assert distribution["dcat:downloadURL"]["@id"].startswith("http://testserver/open-data/")
    learners = next(d for d in catalog["dcat:dataset"] if d["dct:identifier"].endswith("/learners"))
    assert learners["dct:temporal"]["dcat:startDate"]["@value"] == AS_OF.isoformat()
    # the page's translated texts, in each language whatever language the catalogue is asked in
    assert learners["dct:title"] == [
        {"@value": "Izglītojamie pa iestādēm, klasēm un mācību valodām", "@language": "lv"},
        {"@value": "Learners by institution, grade and language of instruction", "@language": "en"},
    ]


def test_a_dataset_gets_a_new_version_and_a_feed_entry_only_when_its_figures_change(first_grade: Group) -> None:
    board = Board.objects.get()
    first = opendata_publish(board=board, as_of=AS_OF, now=timezone.make_aware(datetime(2024, 10, 15, 6)))
    assert set(first.changed) == set(DatasetCode.values)
    again = opendata_publish(board=board, as_of=AS_OF, now=timezone.make_aware(datetime(2024, 10, 16, 6)))
    assert again.changed == [] and set(again.unchanged) == set(DatasetCode.values)
    enrol(learner("Jānis", "Vēja", date(2017, 5, 5)), first_grade, on=date(2024, 10, 1))
    third = opendata_publish(board=board, as_of=AS_OF, now=timezone.make_aware(datetime(2024, 10, 17, 6)))
    assert set(third.changed) == {"learners", "groups", "cost_per_learner"}  # counted on 1 October too
    versions = Publication.objects.filter(board=board, dataset="learners").order_by("modified")
    assert [v.modified.day for v in versions] == [15, 17]
    assert Publication.objects.get(board=board, dataset="institutions").checked_at.day == 17

    feed = Client().get(reverse("opendata:feed"))
    assert feed.status_code == 200 and "atom" in feed["Content-Type"]
    entries = ET.fromstring(feed.content).findall(f"{ATOM}entry")  # noqa: S314 - our own feed
    assert len(entries) == len(DatasetCode.values) + 3  # one per version
    newest = entries[0]
    assert newest.find(f"{ATOM}updated").text.startswith("2024-10-17")  # type: ignore[union-attr]
    assert newest.find(f"{ATOM}link").get("href", "").endswith(".csv")  # type: ignore[union-attr]
    assert len({entry.find(f"{ATOM}id").text for entry in entries}) == len(entries)  # type: ignore[union-attr]
    # The page and the files serve the latest version.
    latest = Client().get(reverse("opendata:file", args=[board.code, "learners", "csv"])).content.decode()
    assert latest.splitlines()[1].endswith(",8,false")


def test_the_public_reads_the_page_and_the_files_without_signing_in(first_grade: Group) -> None:
    board = Board.objects.get()
    public = Client()
    empty = public.get(reverse("opendata:index"))
    assert empty.status_code == 200
    opendata_publish(board=board, as_of=AS_OF)
    page = public.get(reverse("opendata:index"))
    text = page.content.decode()
    assert page.status_code == 200 and board.name in text
    assert reverse("opendata:file", args=[board.code, "learners", "json"]) in text
    assert reverse("opendata:publish") not in text  # no button for the public
    assert 'class="date"' in text
    for fmt, kind in (("csv", "text/csv"), ("json", "application/json")):
        response = public.get(reverse("opendata:file", args=[board.code, "groups", fmt]))
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
        assert "Ozola" not in response.content.decode()
    assert public.get(reverse("opendata:file", args=[board.code, "groups", "xlsx"])).status_code == 404
    assert public.get(reverse("opendata:file", args=["nobody", "groups", "csv"])).status_code == 404


def test_only_the_board_presses_publish_now(
    first_grade: Group, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    anonymous = Client().post(reverse("opendata:publish"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    head = signed_in(make_user(Role.INSTITUTION_HEAD, institutions=[first_grade.institution]))
    assert head.post(reverse("opendata:publish")).status_code == 403
    analyst = signed_in(make_user(Role.BOARD_ANALYST))
    assert analyst.post(reverse("opendata:publish")).status_code == 403
    assert Publication.objects.count() == 0
    admin = signed_in(make_user(Role.BOARD_ADMIN))
    assert 'action="/open-data/publish/"' in admin.get(reverse("opendata:index")).content.decode()
    assert admin.get(reverse("opendata:publish")).status_code == 405
    response = admin.post(reverse("opendata:publish"), follow=True)
    assert response.status_code == 200
    assert Publication.objects.count() == len(DatasetCode.values)  # the task ran at once (the tests' backend)
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1


def test_the_command_queues_the_daily_run_and_refuses_an_unknown_board(tmp_path: Path, first_grade: Group) -> None:
    out = StringIO()
    call_command("publish_open_data", "--enqueue", stdout=out)
    assert "queued" in out.getvalue()
    assert Publication.objects.count() == len(DatasetCode.values)  # the tests' backend runs it at once
    with pytest.raises(CommandError):
        call_command("publish_open_data", "--board", "nobody")
    with pytest.raises(CommandError):
        call_command("publish_open_data", "--enqueue", "--out", str(tmp_path))
    board = Board.objects.get()
    call_command("publish_open_data", "--board", board.code, stdout=StringIO())
    assert not (tmp_path / board.code).exists()  # without --out nothing is written

"""Editions (draft, publish, new from published, compare), the report pages, files and dashboards, scoped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.models import SchoolYear
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.models import Enrolment, Institution
from eduboard.reports import services
from eduboard.reports.models import EditionStatus, ReportEdition
from eduboard.reports.selectors import edition_content, editions_compare, flatten_figures

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]
AS_OF = date(2024, 8, 20)


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    """Messages are read in English (the msgids); Latvian rendering is tested in tests/core."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def board(demo: None, make_user: Callable[..., User]) -> User:
    return make_user(role=Role.BOARD_ANALYST, is_superuser=True)


@pytest.fixture
def edition(board: User) -> ReportEdition:
    return services.edition_create(school_year=SchoolYear.objects.get(code="2024/2025"), as_of=AS_OF, viewer=board)


def figure(content: dict[str, Any], key: str) -> Any:
    return flatten_figures(content)[key].value


def remove_preschool_children(count: int) -> None:
    ids = list(
        Enrolment.objects.filter(group__school_year__code="2024/2025", group__programme__level="preschool")
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    Enrolment.objects.filter(pk__in=ids).delete()


def test_a_draft_recomputes_and_a_published_edition_stays_the_same_after_the_data_changes(
    edition: ReportEdition, board: User
) -> None:
    services.edition_update(
        edition_id=edition.pk, version=edition.version, narrative={"challenges.text": "A"}, viewer=board
    )
    edition.refresh_from_db()
    published = services.edition_publish(edition_id=edition.pk, version=edition.version, viewer=board)
    assert published.status == EditionStatus.PUBLISHED
    draft = services.edition_start_from(source=published, viewer=board)
    remove_preschool_children(10)

    published.refresh_from_db()
    assert figure(edition_content(edition=published, viewer=WHOLE_CITY), "preschool.children") == 3770
    assert figure(edition_content(edition=draft, viewer=WHOLE_CITY), "preschool.children") == 3760
    assert published.narrative == {"challenges.text": "A"} and draft.narrative == {"challenges.text": "A"}
    assert draft.based_on == published and draft.number == published.number + 1
    with pytest.raises(ValidationError, match="frozen"):
        services.edition_update(edition_id=published.pk, version=published.version, narrative={"x": "y"}, viewer=board)

    rows = {
        row.key: row
        for row in editions_compare(first=published.content, second=edition_content(edition=draft, viewer=WHOLE_CITY))
    }
    assert rows["preschool.children"].first == "3770" and rows["preschool.children"].second == "3760"
    assert rows["preschool.children"].difference == "-10" and rows["preschool.children"].changed
    assert not rows["general.pupils"].changed


def test_a_stale_narrative_edit_is_refused_with_a_clear_message_and_nothing_is_overwritten(
    edition: ReportEdition, board: User
) -> None:
    version = edition.version
    services.edition_update(
        edition_id=edition.pk, version=version, narrative={"challenges.text": "First"}, viewer=board
    )
    with pytest.raises(ValidationError, match="Someone else changed this edition meanwhile"):
        services.edition_update(
            edition_id=edition.pk, version=version, narrative={"challenges.text": "Second"}, viewer=board
        )
    edition.refresh_from_db()
    assert edition.narrative["challenges.text"] == "First"


def test_the_edit_page_refuses_a_stale_form(
    edition: ReportEdition, board: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(board)
    url = reverse("reports:edition_edit", args=[edition.pk])
    assert client.get(url).status_code == 200
    ok = client.post(url, {"version": edition.version, "slot:challenges.text": "Mine"})
    assert ok.status_code == 302
    stale = client.post(url, {"version": edition.version, "slot:challenges.text": "Theirs"})
    assert stale.status_code == 200
    assert "Someone else changed this edition meanwhile" in stale.content.decode()
    edition.refresh_from_db()
    assert edition.narrative["challenges.text"] == "Mine"


def test_a_new_edition_starts_only_from_a_published_one(edition: ReportEdition, board: User) -> None:
    with pytest.raises(ValidationError, match="publish this edition first"):
        services.edition_start_from(source=edition, viewer=board)


def test_a_head_cannot_write_editions_and_sees_only_published_ones(
    edition: ReportEdition, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    school = Institution.objects.get(registration_number="9000000011")
    head = make_user(role=Role.INSTITUTION_HEAD, institutions=[school])
    client = signed_in(head)
    assert client.get(reverse("reports:edition_detail", args=[edition.pk])).status_code == 404
    assert (
        client.post(reverse("reports:edition_action", args=[edition.pk, "publish"]), {"version": 1}).status_code == 403
    )
    with pytest.raises(ValidationError):
        services.edition_create(school_year=edition.school_year, as_of=AS_OF, viewer=head)


def test_the_report_page_shows_figures_charts_and_their_tables(
    edition: ReportEdition, board: User, signed_in: Callable[[User], Client]
) -> None:
    html = signed_in(board).get(reverse("reports:edition_detail", args=[edition.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = html.content.decode()
    assert html.status_code == 200
    for value in ("<strong>3770</strong>", "<strong>8819</strong>", "<strong>859</strong>", "<strong>564</strong>"):
        assert value in text
    assert 'data-chart="chart-preschool-groups-by-institution"' in text
    assert 'id="chart-preschool-groups-by-institution"' in text  # the chart's data
    assert "chart-4.4.7.umd.min.js" in text


def test_publishing_and_starting_again_through_the_pages(
    edition: ReportEdition, board: User, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(board)
    response = client.post(
        reverse("reports:edition_action", args=[edition.pk, "publish"]), {"version": edition.version}
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.is_published and edition.content is not None
    again = client.post(
        reverse("reports:edition_action", args=[edition.pk, "start-from"]), {"version": edition.version}
    )
    new = ReportEdition.objects.get(based_on=edition)
    assert again.url == new.get_absolute_url()
    compare = client.get(reverse("reports:edition_compare"), {"first": edition.pk, "second": new.pk})
    assert compare.status_code == 200 and 'data-key="preschool.children"' in compare.content.decode()


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK"), ("html", b"<!DO")])
def test_a_file_is_made_as_a_job_and_fetched_by_the_editions_readers_only(
    edition: ReportEdition,
    board: User,
    signed_in: Callable[[User], Client],
    make_user: Callable[..., User],
    fmt: str,
    magic: bytes,
) -> None:
    client = signed_in(board)
    start = client.post(reverse("reports:edition_download", args=[edition.pk, fmt]), {"lang": "ru"})
    assert start.status_code == 302
    page = client.get(start.url)
    assert 'id="job-file"' in page.content.decode()
    job_id = start.url.rstrip("/").rsplit("/", 1)[-1]
    response = client.get(reverse("reports:job_file", args=[job_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(magic)
    # Kept with the edition: another of the board, who may open the draft, fetches it too; a head may not.
    other = signed_in(make_user(role=Role.BOARD_ANALYST))
    assert other.get(reverse("reports:job_file", args=[job_id])).status_code == 200
    school = Institution.objects.get(registration_number="9000000011")
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[school]))
    assert head.get(reverse("reports:job_file", args=[job_id])).status_code == 404


def test_the_boards_home_shows_the_cities_key_figures_with_charts(
    board: User, signed_in: Callable[[User], Client]
) -> None:
    text = signed_in(board).get("/", {"as_of": "2024-08-20"}).content.decode()
    for value in (">3770<", ">8819<", ">859<", ">564<", ">148<"):
        assert value in text
    assert 'data-chart="chart-dashboard-learners-by-level"' in text


def test_a_heads_home_shows_their_institutions_figures(
    demo: None, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    school = Institution.objects.get(registration_number="9000000011")
    head = make_user(role=Role.INSTITUTION_HEAD, institutions=[school])
    text = signed_in(head).get("/", {"as_of": "2024-08-20"}).content.decode()
    assert "Key figures of your institutions" in text or 'data-key="general.pupils"' in text
    assert ">8819<" not in text and ">3770<" not in text
    assert 'data-key="general.pupils"' in text


def test_the_api_gives_the_report_scoped_to_the_caller(
    edition: ReportEdition, board: User, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    board_json = signed_in(board).get(reverse("api-reports-readiness"), {"as_of": "2024-08-20"}).json()
    assert figure(board_json, "preschool.children") == 3770 and figure(board_json, "general.pupils") == 8819
    school = Institution.objects.get(registration_number="9000000011")
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[school]))
    head_json = head.get(reverse("api-reports-readiness"), {"as_of": "2024-08-20"}).json()
    assert head_json["whole_city"] is False
    assert 0 < figure(head_json, "general.pupils") < 8819
    assert head.get(reverse("api-reports-edition", args=[edition.pk])).status_code == 404
    edition_json = signed_in(board).get(reverse("api-reports-edition", args=[edition.pk])).json()
    assert edition_json["status"] == "draft" and figure(edition_json["content"], "general.first_graders") == 859
    assert signed_in(board).get(reverse("api-reports-readiness"), {"as_of": "20.08.2024"}).status_code == 400


def test_writing_and_publishing_an_edition_is_in_the_audit_trail(edition: ReportEdition, board: User) -> None:
    from auditlog.models import LogEntry

    services.edition_update(
        edition_id=edition.pk, version=edition.version, narrative={"events.text": "27.08."}, viewer=board
    )
    edition.refresh_from_db()
    services.edition_publish(edition_id=edition.pk, version=edition.version, viewer=board)
    entries = LogEntry.objects.get_for_object(edition)
    assert entries.count() >= 3  # created, text written, published
    assert any("status" in (entry.changes_dict or {}) for entry in entries)
    assert not any("content" in (entry.changes_dict or {}) for entry in entries)

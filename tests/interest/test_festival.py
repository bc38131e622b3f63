"""Festival participation (issue 40, point 1): the rows' rules, the figures against a plain computation of their
definition, the import (all or nothing, scoped), and the list and form pages in the viewer's scope."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.imports import ImportFailed
from eduboard.core.latvian import sort_key
from eduboard.core.scope import WHOLE_CITY
from eduboard.interest import services
from eduboard.interest.importers import FestivalParticipationImporter
from eduboard.interest.models import CollectiveKind, FestivalParticipation
from eduboard.interest.selectors import festival_figures
from eduboard.registry.models import Institution
from tests.imports_helpers import write_file

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FESTIVAL = "XIII Latvijas Skolu jaunatnes dziesmu un deju svētki"
COLUMNS = ["festival", "year", "institution", "body", "kind", "collectives", "participants"]


def row(
    festival: str,
    year: int,
    institution: Institution | None,
    body: str,
    kind: str,
    collectives: int,
    people: int,
    *,
    school: bool = False,
) -> FestivalParticipation:
    return FestivalParticipation.objects.create(
        festival=festival,
        year=year,
        institution=institution,
        body=body,
        body_is_institution=school,
        kind=kind,
        collectives=collectives,
        participants=people,
    )


def plain_figures(rows: list[FestivalParticipation], year: int, scope: set[int] | None) -> dict[str, Any]:
    """The definition in words, over the rows in memory: the rows of the year in scope (another body's rows are the
    board's), summed per festival; institutions distinct, a body marked as an education institution among them; per
    kind, the distinct institutions and bodies."""
    mine = [
        r
        for r in rows
        if r.year == year and (scope is None or (r.institution_id is not None and r.institution_id in scope))
    ]
    found: dict[str, Any] = {}
    for r in mine:
        entry = found.setdefault(
            r.festival, {"collectives": 0, "participants": 0, "ids": set(), "bodies": set(), "kinds": {}}
        )
        entry["collectives"] += r.collectives
        entry["participants"] += r.participants
        if r.institution_id:
            entry["ids"].add(r.institution_id)
        elif r.body_is_institution:
            entry["ids"].add(r.body)
        else:
            entry["bodies"].add(r.body)
        kind = entry["kinds"].setdefault(r.kind, {"collectives": 0, "participants": 0, "who": set()})
        kind["collectives"] += r.collectives
        kind["participants"] += r.participants
        kind["who"].add(r.institution_id or r.body)
    return {
        name: {
            "collectives": e["collectives"],
            "participants": e["participants"],
            "institutions": len(e["ids"]),
            "bodies": sorted(e["bodies"]),
            "kinds": {k: (v["collectives"], v["participants"], len(v["who"])) for k, v in e["kinds"].items()},
        }
        for name, e in found.items()
    }


@pytest.fixture
def world(school_a: Institution, school_b: Institution) -> list[FestivalParticipation]:
    return [
        row(FESTIVAL, 2025, school_a, "", CollectiveKind.DANCE_GROUP, 3, 70),
        row(FESTIVAL, 2025, school_b, "", CollectiveKind.DANCE_GROUP, 1, 24),
        row(FESTIVAL, 2025, school_a, "", CollectiveKind.SCHOOL_CHOIR, 1, 40),
        row(FESTIVAL, 2025, None, "Daugavpils Vienības nams", CollectiveKind.FOLK_GROUP, 2, 40),
        row(
            FESTIVAL,
            2025,
            None,
            "S. Broka Daugavpils Mūzikas vidusskola",
            CollectiveKind.GIRLS_CHOIR,
            1,
            36,
            school=True,
        ),
        row("Deju svētki", 2025, school_b, "", CollectiveKind.DANCE_GROUP, 2, 30),
        row(FESTIVAL, 2020, school_a, "", CollectiveKind.DANCE_GROUP, 5, 99),  # another year
    ]


@pytest.mark.parametrize("who", ["board", "head_a"])
def test_festival_figures_are_the_rows_summed_as_defined(
    who: str, world: list[FestivalParticipation], school_a: Institution, make_user: Callable[..., User]
) -> None:
    viewer = WHOLE_CITY if who == "board" else make_user(Role.INSTITUTION_HEAD, [school_a])
    scope = None if who == "board" else {school_a.pk}
    expected = plain_figures(world, 2025, scope)
    found = festival_figures(year=2025, visible_to=viewer)
    assert [entry["festival"] for entry in found] == sorted(expected, key=sort_key)
    for entry in found:
        plain = expected[entry["festival"]]
        assert entry["collectives"] == plain["collectives"]
        assert entry["participants"] == plain["participants"]
        assert entry["institutions"] == plain["institutions"]
        assert sorted(entry["bodies"]) == plain["bodies"]
        assert {
            kind: (v["collectives"], v["participants"], v["institutions"]) for kind, v in entry["by_kind"].items()
        } == plain["kinds"]
    if who == "head_a":  # a head sees their institution's rows, never another body's or another school's
        (entry,) = found
        assert entry["bodies"] == [] and entry["institutions"] == 1


def test_festival_figures_name_the_participants_of_each_kind(world: list[FestivalParticipation]) -> None:
    (_other, entry) = festival_figures(year=2025, visible_to=WHOLE_CITY)
    assert entry["festival"] == FESTIVAL
    assert entry["by_kind"]["girls_choir"]["names"] == ["S. Broka Daugavpils Mūzikas vidusskola"]
    assert list(entry["by_kind"]) == [k for k in CollectiveKind.values if k in entry["by_kind"]]


def test_a_row_names_an_institution_or_another_body_never_both(school_a: Institution) -> None:
    both = FestivalParticipation(
        festival=FESTIVAL, year=2025, institution=school_a, body="Vienības nams", kind="dance_group", collectives=1,
        participants=10,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.festival_participation_save(participation=both, viewer=WHOLE_CITY)
    neither = FestivalParticipation(festival=FESTIVAL, year=2025, kind="dance_group", collectives=1, participants=1)
    with pytest.raises(ValidationError):
        services.festival_participation_save(participation=neither, viewer=WHOLE_CITY)


def test_a_head_records_their_schools_rows_but_not_another_bodys(
    school_a: Institution, school_b: Institution, make_user: Callable[..., User]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [school_a])
    own = FestivalParticipation(
        festival=FESTIVAL, year=2025, institution=school_a, kind="dance_group", collectives=2, participants=40
    )
    services.festival_participation_save(participation=own, viewer=head)
    assert FestivalParticipation.objects.filter(institution=school_a).count() == 1
    foreign = FestivalParticipation(
        festival=FESTIVAL, year=2025, institution=school_b, kind="dance_group", collectives=2, participants=40
    )
    with pytest.raises(ValidationError):
        services.festival_participation_save(participation=foreign, viewer=head)
    body = FestivalParticipation(
        festival=FESTIVAL, year=2025, body="Vienības nams", kind="folk_group", collectives=1, participants=20
    )
    with pytest.raises(ValidationError):
        services.festival_participation_save(participation=body, viewer=head)


# --- the import


def test_the_import_saves_a_file_whole_and_again_changes_nothing(tmp_path: Path, school_a: Institution) -> None:
    rows = [
        [FESTIVAL, "2025", school_a.registration_number, "", "dance_group", "3", "70"],
        [FESTIVAL, "2025", "", "Daugavpils Vienības nams", "folk_group", "2", "40"],
    ]
    path = write_file(tmp_path, "csv", "festival", COLUMNS, rows)
    result = FestivalParticipationImporter(viewer=WHOLE_CITY).run(path)
    assert (result.created, result.updated) == (2, 0)
    again = FestivalParticipationImporter(viewer=WHOLE_CITY).run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    found = festival_figures(year=2025, visible_to=WHOLE_CITY)[0]
    assert (found["collectives"], found["participants"], found["bodies"]) == (5, 110, ["Daugavpils Vienības nams"])


def test_a_body_marked_as_an_education_institution_is_counted_among_the_institutions(
    tmp_path: Path, school_a: Institution
) -> None:
    """Seed 002: "60 radošie kolektīvi no 11 izglītības iestādēm un Daugavpils Vienības nama": a state music school
    outside the registry is an education institution, the house of culture another body. The optional column sets
    the mark; a file without it keeps a stored row's mark; a registry institution cannot carry it."""
    broka = "S. Broka Daugavpils Mūzikas vidusskola"
    rows = [
        [FESTIVAL, "2025", school_a.registration_number, "", "dance_group", "3", "70", ""],
        [FESTIVAL, "2025", "", broka, "girls_choir", "1", "36", "jā"],
        [FESTIVAL, "2025", "", "Daugavpils Vienības nams", "folk_group", "2", "40", "no"],
    ]
    path = write_file(tmp_path, "csv", "marked", [*COLUMNS, "body_is_institution"], rows)
    assert FestivalParticipationImporter(viewer=WHOLE_CITY).run(path).created == 3
    found = festival_figures(year=2025, visible_to=WHOLE_CITY)[0]
    assert (found["institutions"], found["bodies"]) == (2, ["Daugavpils Vienības nams"])
    # The same rows in today's columns change nothing: the mark stays.
    plain = write_file(tmp_path, "csv", "plain", COLUMNS, [r[:-1] for r in rows])
    again = FestivalParticipationImporter(viewer=WHOLE_CITY).run(plain)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert FestivalParticipation.objects.get(body=broka).body_is_institution is True
    wrong = write_file(
        tmp_path, "csv", "wrong", [*COLUMNS, "body_is_institution"],
        [[FESTIVAL, "2025", school_a.registration_number, "", "mixed_choir", "1", "20", "yes"]],
    )  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        FestivalParticipationImporter(viewer=WHOLE_CITY).run(wrong)
    assert any(error.column == "body_is_institution" for error in failed.value.errors)
    marked = FestivalParticipation(
        festival=FESTIVAL, year=2025, institution=school_a, body_is_institution=True, kind="other", collectives=1,
        participants=5,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.festival_participation_save(participation=marked, viewer=WHOLE_CITY)
    assert "body_is_institution" in refused.value.message_dict


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_import_refuses_a_bad_file_whole_naming_each_bad_cell(
    tmp_path: Path, fmt: str, school_a: Institution, school_b: Institution, make_user: Callable[..., User]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [school_a])
    rows = [
        [FESTIVAL, "2025", school_a.registration_number, "", "dance_group", "3", "70"],  # fine
        [FESTIVAL, "2025", school_b.registration_number, "", "dance_group", "1", "20"],  # not in scope
        [FESTIVAL, "2025", "", "Vienības nams", "folk_group", "1", "20"],  # the board's
        [FESTIVAL, "2025", school_a.registration_number, "", "orchestra", "1", "20"],  # no such kind
        [FESTIVAL, "2025", school_a.registration_number, "", "mixed_choir", "0", "20"],  # no collective
        [FESTIVAL, "2025", school_a.registration_number, "Nams", "mixed_choir", "1", "20"],  # both
    ]
    path = write_file(tmp_path, fmt, "festival", COLUMNS, rows)
    with pytest.raises(ImportFailed) as failed:
        FestivalParticipationImporter(viewer=head).run(path)
    assert [(error.row, error.column) for error in failed.value.errors] == [
        (3, "institution"),
        (4, "body"),
        (5, "kind"),
        (6, "collectives"),
        (7, "body"),
    ]
    assert not FestivalParticipation.objects.exists()


# --- the pages


def test_the_list_shows_the_viewers_rows_and_exports_them(
    world: list[FestivalParticipation],
    school_a: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    head = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a]))
    page = head.get(reverse("interest:festival_list")).content.decode()
    assert "Vienības nams" not in page and "Deju svētki" not in page
    assert FESTIVAL in page
    exported = head.get(reverse("interest:festival_list") + "?export=csv").content.decode("utf-8-sig")
    assert exported.count(FESTIVAL) == 3  # school A's two rows of 2025 and one of 2020
    board = signed_in(make_user(Role.BOARD_ANALYST))
    assert "Vienības nams" in board.get(reverse("interest:festival_list")).content.decode()


def test_a_head_adds_a_row_of_their_school_through_the_form(
    school_a: Institution, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a]))
    assert client.get(reverse("interest:festival_add")).status_code == 200
    answer = client.post(
        reverse("interest:festival_add"),
        {
            "festival": FESTIVAL,
            "year": "2025",
            "institution": str(school_a.pk),
            "body": "",
            "kind": "mixed_choir",
            "collectives": "1",
            "participants": "48",
        },
    )
    assert answer.status_code == 302
    saved = FestivalParticipation.objects.get()
    assert (saved.institution_id, saved.kind, saved.participants) == (school_a.pk, "mixed_choir", 48)


def test_another_schools_row_is_not_found_for_a_head(
    world: list[FestivalParticipation],
    school_a: Institution,
    school_b: Institution,
    make_user: Callable[..., User],
    signed_in: Callable[[User], Client],
) -> None:
    client = signed_in(make_user(Role.INSTITUTION_HEAD, [school_a]))
    foreign = next(r for r in world if r.institution_id == school_b.pk)
    assert client.get(reverse("interest:festival_edit", args=[foreign.pk])).status_code == 404
    own = next(r for r in world if r.institution_id == school_a.pk)
    assert client.get(reverse("interest:festival_edit", args=[own.pk])).status_code == 200

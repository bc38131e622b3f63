"""Devices, loans, licences and rooms (issue 16): the imports, the figures as of a date, the loan rules, bulk
loans, returns and stock-takes, and the scope through the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets import services
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.importers import IMPORTERS
from eduboard.assets.models import Asset, AssetKind, Loan
from eduboard.assets.selectors import assets_stats, stocktake_result
from eduboard.core.imports import ImportFailed
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.sources import ensure_standard_sources
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from tests.registry.world import CODES, World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

AS_OF = date(2024, 10, 1)


@pytest.fixture
def world() -> World:
    ensure_standard_kinds()
    ensure_standard_sources()
    return build_world(pupils=3)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(kind: str, path: Path, viewer: Any = WHOLE_CITY) -> Any:
    return IMPORTERS[kind](viewer=viewer).run(path)


ASSETS = """inventory_number,kind,model,serial_number,institution,funding_source,acquired_on,price,status
CB-1,chromebook,Lenovo 100e,S1,9000000011,eu_funds,2023-08-15,259.00,in_stock
CB-2,chromebook,Lenovo 100e,S2,9000000011,eu_funds,2023-08-15,259.00,in_stock
CB-3,chromebook,Lenovo 100e,S3,9000000011,state,2023-08-15,300.50,in_stock
CB-4,chromebook,Lenovo 100e,S4,9000000015,state,2023-08-15,300.50,lost
IE-1,interactive_screen,Promethean,S5,9000000015,eu_funds,2019-01-10,2500.00,in_repair
IE-2,interactive_screen,Promethean,S6,9000000015,eu_funds,2025-01-10,2500.00,in_stock
"""


def pupil_code(world: World, last_name: str) -> str:
    from eduboard.registry.models import Learner

    return Learner.objects.get(last_name=last_name).personal_code


def loans_file(world: World) -> str:
    return (
        "inventory_number,borrower_personal_code,lent_on,due_on,returned_on,condition\n"
        f"CB-1,{pupil_code(world, 'Zinātne0')},2024-09-02,2024-09-30,,\n"  # overdue on 1 October
        f"CB-2,{pupil_code(world, 'Zinātne1')},2024-09-02,2025-06-20,,\n"
        f"CB-3,{pupil_code(world, 'Zinātne2')},2024-09-02,2025-06-20,2024-09-20,damaged\n"
    )


def test_imports_give_the_figures_as_of_a_date(world: World, tmp_path: Path) -> None:
    assert run("assets", write(tmp_path, "a.csv", ASSETS)).created == 6
    assert run("loans", write(tmp_path, "l.csv", loans_file(world))).created == 3
    licences = "product,institution,seats,valid_from,valid_to,funding_source\n"
    licences += "Uzdevumi.lv PRO,9000000011,120,2024-09-01,2025-08-31,municipal\n"
    licences += "Uzdevumi.lv PRO,9000000015,60,2024-09-01,2025-08-31,municipal\n"
    licences += "Soma.lv,9000000011,10,2023-09-01,2024-08-31,\n"  # ended before the date
    assert run("licences", write(tmp_path, "c.csv", licences)).created == 3
    rooms = "institution,name,kind,places,computers\n9000000011,204,computer_room,24,24\n9000000011,101,classroom,30,\n"
    assert run("rooms", write(tmp_path, "r.csv", rooms)).created == 2

    stats = assets_stats(as_of=AS_OF, visible_to=WHOLE_CITY)
    assert stats["assets_by_kind"]["chromebook"] == {
        "total": 3, "in_stock": 0, "lent": 2, "in_repair": 1, "lost": 1, "written_off": 0,
    }  # fmt: skip
    # IE-2 was acquired after the date; IE-1 is in repair
    assert stats["assets_by_kind"]["interactive_screen"] == {
        "total": 1, "in_stock": 0, "lent": 0, "in_repair": 1, "lost": 0, "written_off": 0,
    }  # fmt: skip
    assert stats["assets_by_institution"] == {
        "9000000011": {"chromebook": 3},
        "9000000015": {"interactive_screen": 1},
    }
    assert (stats["on_loan_to_learners"], stats["on_loan_to_staff"], stats["overdue_loans"]) == (2, 0, 1)
    assert stats["value_by_source"] == {"eu_funds": Decimal("3018.00"), "state": Decimal("300.50")}
    assert stats["licence_seats"] == {"Uzdevumi.lv PRO": 180}
    assert stats["rooms_by_kind"]["computer_room"] == 1 and stats["rooms_by_kind"]["classroom"] == 1
    assert stats["computers_in_rooms"] == 24

    # A day before the loans: nothing lent; the same file again changes nothing.
    before = assets_stats(as_of=date(2024, 9, 1), visible_to=WHOLE_CITY)
    assert before["assets_by_kind"]["chromebook"]["lent"] == 0
    again = run("loans", write(tmp_path, "l2.csv", loans_file(world)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    # The assets file again: a device on an open loan stays lent (the loans tell); CB-3, back from its loan damaged,
    # is in stock again as the file says.
    assets_again = run("assets", write(tmp_path, "a2.csv", ASSETS))
    assert (assets_again.unchanged, assets_again.updated) == (5, 1)
    assert Asset.objects.get(inventory_number="CB-1").status == "lent"


def test_the_command_and_the_api_give_the_same_json(
    world: World, tmp_path: Path, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    run("assets", write(tmp_path, "a.csv", ASSETS))
    out = StringIO()
    call_command("assets_stats", "--as-of", "2024-10-01", stdout=out)
    printed = json.loads(out.getvalue(), parse_float=Decimal)
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    answered = json.loads(board.get("/api/assets/stats/", {"as_of": "2024-10-01"}).content, parse_float=Decimal)
    assert printed == answered
    assert printed["value_by_source"] == {"eu_funds": Decimal("3018.00"), "state": Decimal("300.50")}
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    scoped = head.get("/api/assets/stats/", {"as_of": "2024-10-01"}).json()
    assert scoped["assets_by_institution"] == {"9000000011": {"chromebook": 3}}


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ("CB-9,tractor,,,9000000011,,,,", "row 3, column kind"),
        ("CB-9,chromebook,,,9999999999,,,,", "row 3, column institution"),
        ("CB-9,chromebook,,,9000000011,gold,,,", "row 3, column funding_source"),
        ("CB-9,chromebook,,,9000000011,,2024-13-01,,", "row 3, column acquired_on"),
        ("CB-9,chromebook,,,9000000011,,,12.345,", "row 3, column price"),
        ("CB-9,chromebook,,,9000000011,,,,broken", "row 3, column status"),
        (",chromebook,,,9000000011,,,,", "row 3, column inventory_number"),
    ],
)
def test_a_bad_asset_row_is_named_and_nothing_is_saved(world: World, tmp_path: Path, row: str, error: str) -> None:
    header = ASSETS.splitlines()[0]
    path = write(tmp_path, "a.csv", f"{header}\nCB-8,chromebook,,,9000000011,,,,\n{row}\n")
    with pytest.raises(ImportFailed) as failed:
        run("assets", path)
    assert error in str(failed.value)
    assert not Asset.objects.exists()


def test_loan_rows_over_an_open_loan_or_to_a_learner_elsewhere_are_refused(world: World, tmp_path: Path) -> None:
    run("assets", write(tmp_path, "a.csv", ASSETS))
    header = "inventory_number,borrower_personal_code,lent_on,due_on,returned_on,condition\n"
    code = pupil_code(world, "Zinātne0")
    twice = header + f"CB-1,{code},2024-09-02,,,\nCB-1,{pupil_code(world, 'Zinātne1')},2024-10-02,,,\n"
    with pytest.raises(ImportFailed) as failed:
        run("loans", write(tmp_path, "l.csv", twice))
    assert "row 3, column lent_on" in str(failed.value)
    elsewhere = header + f"CB-1,{pupil_code(world, 'Centrs0')},2024-09-02,,,\n"  # a pupil of the other school
    with pytest.raises(ImportFailed) as failed:
        run("loans", write(tmp_path, "l.csv", elsewhere))
    assert "row 2, column borrower_personal_code" in str(failed.value)
    unknown = header + "CB-1,010101-10000,2024-09-02,,,\n"
    with pytest.raises(ImportFailed):
        run("loans", write(tmp_path, "l.csv", unknown))
    assert not Loan.objects.exists()


def test_a_head_imports_only_into_their_institution(
    world: World, tmp_path: Path, make_user: Callable[..., User]
) -> None:
    head = make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school])
    with pytest.raises(ImportFailed) as failed:
        run("assets", write(tmp_path, "a.csv", ASSETS), viewer=head)
    assert "row 5, column institution" in str(failed.value)  # CB-4 belongs to the other school


def test_the_import_command_prints_one_line_for_a_bad_file(world: World, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "inventory_number,kind\nX,chromebook\n")
    err = StringIO()
    with pytest.raises(SystemExit) as failed:
        call_command("import_assets", "assets", str(path), stderr=err)
    assert failed.value.code == 1
    assert "column institution" in err.getvalue() and "Traceback" not in err.getvalue()


def asset(world: World, number: str, kind: str = "chromebook", institution: Any = None) -> Asset:
    return services.asset_save(
        asset=Asset(
            inventory_number=number,
            kind=AssetKind.objects.get(code=kind),
            institution=institution or world.school,
            acquired_on=date(2024, 1, 1),
        ),
        viewer=WHOLE_CITY,
    )


def test_a_device_is_never_on_two_open_loans(world: World) -> None:
    from eduboard.registry.models import Learner

    device = asset(world, "CB-1")
    first, second = Learner.objects.filter(last_name__startswith="Zinātne").order_by("pk")[:2]
    services.loan_create(asset=device, learner=first, lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    with pytest.raises(ValidationError) as refused:
        services.loan_create(asset=device, learner=second, lent_on=date(2024, 9, 3), viewer=WHOLE_CITY)
    assert "open loan" in " ".join(refused.value.messages)
    # The database itself refuses a second open loan, whatever the services check.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(asset=device, learner=second, lent_on=date(2024, 9, 4))


def test_a_loan_to_a_learner_not_enrolled_there_is_refused(world: World) -> None:
    from eduboard.registry.models import Learner

    device = asset(world, "CB-1")
    stranger = Learner.objects.get(last_name="Centrs0")
    with pytest.raises(ValidationError) as refused:
        services.loan_create(asset=device, learner=stranger, lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    assert refused.value.code == "not_enrolled"
    assert "02.09.2024." in refused.value.messages[0]  # the day as the user reads it (Latvian by default)
    pupil = Learner.objects.get(last_name="Zinātne0")
    with pytest.raises(ValidationError):  # enrolled from 2024-09-01 only
        services.loan_create(asset=device, learner=pupil, lent_on=date(2024, 8, 20), viewer=WHOLE_CITY)


def test_a_loan_to_staff_needs_a_rate_there(world: World) -> None:
    ensure_standard_positions()
    device = asset(world, "LT-1", kind="laptop")
    teacher = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1980, 1, 1)), first_name="Anna", last_name="Ozola"
    )
    with pytest.raises(ValidationError):
        services.loan_create(asset=device, staff_member=teacher, lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    Employment.objects.create(
        staff_member=teacher,
        institution=world.school,
        position=PositionKind.objects.get(code="subject_teacher"),
        fte=1,
        start_date=date(2020, 9, 1),
    )
    loan = services.loan_create(asset=device, staff_member=teacher, lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    assert assets_stats(as_of=AS_OF, visible_to=WHOLE_CITY)["on_loan_to_staff"] == 1
    services.loan_return(loan_id=loan.pk, returned_on=date(2024, 9, 10), condition="lost", viewer=WHOLE_CITY)
    assert Asset.objects.get(pk=device.pk).status == "lost"
    assert [c.status for c in Asset.objects.get(pk=device.pk).status_changes.all()] == ["in_stock", "lent", "lost"]


def test_a_bulk_loan_gives_every_pupil_without_a_device_one_and_says_who_got_none(world: World) -> None:
    kind = AssetKind.objects.get(code="chromebook")
    for number in ("CB-1", "CB-2"):
        asset(world, number)
    asset(world, "CB-9", institution=world.other_school)  # another school's: never lent here
    result = services.loans_bulk_create(
        group=world.class_1a, kind=kind, lent_on=date(2024, 9, 2), due_on=date(2025, 6, 20), viewer=WHOLE_CITY
    )
    assert [loan.asset.inventory_number for loan in result.lent] == ["CB-1", "CB-2"]
    assert [learner.last_name for learner in result.without] == ["Zinātne2"]
    again = services.loans_bulk_create(
        group=world.class_1a, kind=kind, lent_on=date(2024, 9, 3), due_on=None, viewer=WHOLE_CITY
    )
    assert again.lent == [] and len(again.already) == 2 and len(again.without) == 1


def test_returns_by_typed_numbers_and_a_stocktake(world: World, make_user: Callable[..., User]) -> None:
    from eduboard.registry.models import Learner

    board = make_user(role=Role.BOARD_ADMIN)
    devices = [asset(world, f"CB-{n}") for n in range(1, 5)]
    pupil = Learner.objects.get(last_name="Zinātne0")
    services.loan_create(asset=devices[0], learner=pupil, lent_on=date(2024, 9, 2), viewer=board)
    result = services.loans_return_by_numbers(
        numbers=["CB-1", "CB-2", "NOPE", "CB-1"],
        returned_on=date(2024, 9, 30),
        condition="ok",
        viewer=board,
    )
    assert [loan.asset.inventory_number for loan in result.returned] == ["CB-1"]
    assert [number for number, _reason in result.problems] == ["CB-2", "NOPE"]

    take = services.stocktake_start(institution_id=world.school.pk, on=date(2024, 10, 5), viewer=board)
    for number in ("CB-1", "CB-2", "XX-1"):
        services.stocktake_scan(stocktake=take, number=number)
    found = stocktake_result(stocktake=take)
    assert [a.inventory_number for a in found.missing] == ["CB-3", "CB-4"] and found.unknown == ["XX-1"]
    with pytest.raises(ValidationError):  # not without a confirmation
        services.stocktake_close(stocktake_id=take.pk, on=date(2024, 10, 5), viewer=board, version=1, confirmed=False)
    lost = services.stocktake_close(stocktake_id=take.pk, on=date(2024, 10, 5), viewer=board, version=1, confirmed=True)
    assert sorted(a.inventory_number for a in lost) == ["CB-3", "CB-4"]
    change = Asset.objects.get(inventory_number="CB-3").status_changes.last()
    assert change is not None and change.status == "lost" and change.changed_by == board


def test_the_api_lends_and_returns_within_the_scope(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from eduboard.registry.models import Learner

    asset(world, "CB-1")
    asset(world, "CB-9", institution=world.other_school)
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    pupil = Learner.objects.get(last_name="Zinātne0")
    stranger = Learner.objects.get(last_name="Centrs0")
    body = {"asset": "CB-1", "learner": pupil.pk, "lent_on": "2024-09-02", "due_on": "2025-06-20"}
    made = head.post("/api/assets/loans/", body, content_type="application/json")
    assert made.status_code == 201, made.content
    again = head.post("/api/assets/loans/", body, content_type="application/json")
    assert again.status_code == 400 and "open loan" in again.content.decode()
    # another school's device or pupil: refused like one that does not exist
    foreign = head.post("/api/assets/loans/", {**body, "asset": "CB-9"}, content_type="application/json")
    assert foreign.status_code == 400
    foreign_pupil = head.post("/api/assets/loans/", {**body, "learner": stranger.pk}, content_type="application/json")
    assert foreign_pupil.status_code == 400
    loan = made.json()
    returned = head.post(
        f"/api/assets/loans/{loan['id']}/return/",
        {"returned_on": "2024-10-01", "condition": "ok", "version": loan["version"]},
        content_type="application/json",
    )
    assert returned.status_code == 200 and returned.json()["returned_on"] == "2024-10-01"
    listed = head.get("/api/assets/assets/").json()
    assert [row["inventory_number"] for row in listed["results"]] == ["CB-1"]


def test_a_status_that_loans_decide_is_not_set_by_hand(world: World) -> None:
    from eduboard.registry.models import Learner

    device = asset(world, "CB-1")
    device.status = "lent"
    with pytest.raises(ValidationError):
        services.asset_save(asset=device, viewer=WHOLE_CITY)
    device = Asset.objects.get(pk=device.pk)
    services.loan_create(
        asset=device, learner=Learner.objects.get(last_name="Zinātne0"), lent_on=date(2024, 9, 2), viewer=WHOLE_CITY
    )
    device = Asset.objects.get(pk=device.pk)
    device.status = "written_off"
    with pytest.raises(ValidationError):
        services.asset_save(asset=device, viewer=WHOLE_CITY)
    assert Asset.objects.get(pk=device.pk).status == "lent"


def test_a_learners_devices_are_found_by_their_name(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from eduboard.registry.models import Learner

    device = asset(world, "CB-1")
    services.loan_create(
        asset=device, learner=Learner.objects.get(last_name="Zinātne0"), lent_on=date(2024, 9, 2), viewer=WHOLE_CITY
    )
    asset(world, "CB-2")
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    page = head.get("/assets/loans/", {"borrower": "ZINATNE0"}).content.decode()
    assert "CB-1" in page and "Anna Zinātne0" in page
    assert "CB-1" not in head.get("/assets/loans/", {"borrower": "zinatne1"}).content.decode()


@pytest.mark.parametrize(
    ("kind", "text", "error"),
    [
        (
            "licences",
            "product,institution,seats,valid_from,valid_to,funding_source\nX,9000000011,0,2024-09-01,,\n",
            "row 2, column seats",
        ),
        (
            "licences",
            "product,institution,seats,valid_from,valid_to,funding_source\nX,9000000011,5,2024-09-01,2024-01-01,\n",
            "row 2, column valid_to",
        ),
        (
            "licences",
            "product,institution,seats,valid_from,valid_to,funding_source\n,9000000011,5,2024-09-01,,\n",
            "row 2, column product",
        ),
        ("rooms", "institution,name,kind,places,computers\n9000000011,101,kitchen,,\n", "row 2, column kind"),
        ("rooms", "institution,name,kind,places,computers\n9000000011,101,classroom,-3,\n", "row 2, column places"),
        ("rooms", "institution,name,kind,places,computers\n9000000011,,classroom,,\n", "row 2, column name"),
        (
            "loans",
            "inventory_number,borrower_personal_code,lent_on,due_on,returned_on,condition\nNOPE,010101-10000,2024-09-02,,,\n",
            "row 2, column inventory_number",
        ),
        (
            "loans",
            "inventory_number,borrower_personal_code,lent_on,due_on,returned_on,condition\nCB-1,PUPIL,2024-09-02,2024-09-01,,\n",
            "row 2, column due_on",
        ),
        (
            "loans",
            "inventory_number,borrower_personal_code,lent_on,due_on,returned_on,condition\nCB-1,PUPIL,2024-09-02,,2024-09-03,broken\n",
            "row 2, column condition",
        ),
    ],
)
def test_each_kind_of_bad_row_is_named(world: World, tmp_path: Path, kind: str, text: str, error: str) -> None:
    run("assets", write(tmp_path, "a.csv", ASSETS))
    text = text.replace("PUPIL", pupil_code(world, "Zinātne0"))
    with pytest.raises(ImportFailed) as failed:
        run(kind, write(tmp_path, f"{kind}.csv", text))
    assert error in str(failed.value)


def test_the_rumis_export_masks_codes_unless_full_ones_may_be_seen_and_audits_it(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from auditlog.models import LogEntry

    from eduboard.registry.models import Learner

    pupil = Learner.objects.get(last_name="Zinātne0")
    services.loan_create(asset=asset(world, "CB-1"), learner=pupil, lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    asset(world, "CB-2")
    head = signed_in(make_user(role=Role.INSTITUTION_HEAD, institutions=[world.school]))
    masked = head.get("/assets/loans/rumis.csv", {"institution": "9000000011"}).content.decode("utf-8-sig")
    lines = masked.splitlines()
    assert lines[0] == "inventory_number,kind,serial_number,borrower_personal_code,lent_on,due_on"
    assert lines[1].startswith("CB-1,chromebook,,") and pupil.masked_code in lines[1] and "2024-09-02" in lines[1]
    assert lines[2].startswith("CB-2,chromebook,")
    full = head.get("/assets/loans/rumis.csv", {"institution": "9000000011", "codes": "full"}).content.decode()
    assert pupil.personal_code in full  # a head may see full codes of their learners
    assert LogEntry.objects.filter(object_repr__startswith="export of").count() == 2
    staff = signed_in(make_user(role=Role.INSTITUTION_STAFF, institutions=[world.school]))
    assert staff.get("/assets/loans/rumis.csv", {"institution": "9000000011", "codes": "full"}).status_code == 403
    assert head.get("/assets/loans/rumis.csv", {"institution": "9000000015"}).status_code == 404  # not theirs


def test_qr_labels_print_as_a_pdf_of_the_devices_listed(
    world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    from pdfminer.high_level import extract_text

    asset(world, "CB-1")
    asset(world, "LT-1", kind="laptop")
    board = signed_in(make_user(role=Role.BOARD_ADMIN))
    response = board.get("/assets/devices/labels.pdf", {"kind": AssetKind.objects.get(code="chromebook").pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = extract_text(BytesIO(response.content))
    assert "CB-1" in text and "LT-1" not in text

"""The centre's rooms and equipment (issue 44, point 3): a slot books one of the centre's rooms (assets area) and
no two slots hold a room at overlapping times (the page, the import and the rule agree); kits and tablets go out
with a visiting group and come back, their status kept by the assets area; the centre is a unit of BJC "Jaunība"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from itertools import product
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets.choices import AssetStatus, ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, AssetStatusChange, Room
from eduboard.centre import services
from eduboard.centre.importers import SlotImporter
from eduboard.centre.models import KitLoan, Slot
from eduboard.centre.rules import overlapping_condition, times_overlap
from eduboard.core.imports import ImportFailed
from eduboard.registry.models import Institution
from tests.centre.test_innovation import make_centre, make_slot, write
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_overlap_condition_is_the_rule() -> None:
    centre = make_centre()
    slot = make_slot(centre)
    times = [time(h, m) for h in (9, 10, 11) for m in (0, 30)]
    for start, end in product(times, times):
        if end <= start:
            continue
        Slot.objects.filter(pk=slot.pk).update(start=time(10), end=time(11))
        found = Slot.objects.filter(overlapping_condition(day=slot.date, start=start, end=end), pk=slot.pk).exists()
        assert found == times_overlap(start=start, end=end, other_start=time(10), other_end=time(11)), (start, end)


def test_a_room_is_booked_by_one_slot_at_a_time() -> None:
    centre = make_centre()
    board = UserFactory(role=Role.BOARD_ADMIN)
    lab = Room.objects.create(institution=centre, name="Koprades laboratorija", kind="workshop")
    first = make_slot(centre, code="robo")
    first.space = lab
    services.slot_save(viewer=board, slot=first, expected_version=None)
    assert Slot.objects.get(pk=first.pk).room == "Koprades laboratorija"
    second = Slot(activity=make_slot(centre, code="mikro").activity, date=first.date, start=time(10, 30),
                  end=time(12), places=10, space=lab)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.slot_save(viewer=board, slot=second, expected_version=None)
    assert "space" in refused.value.message_dict
    second.start = first.end  # begins as the first ends: no clash
    services.slot_save(viewer=board, slot=second, expected_version=None)
    school_room = Room.objects.create(institution=InstitutionFactory(type="basic"), name="Klase", kind="classroom")
    third = Slot(activity=first.activity, date=first.date, start=time(15), end=time(16), places=5, space=school_room)
    with pytest.raises(ValidationError):  # another institution's room
        services.slot_save(viewer=board, slot=third, expected_version=None)


def test_the_slots_file_books_the_room_it_names_and_refuses_a_clash(tmp_path: Path) -> None:
    centre = make_centre()
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    make_slot(centre, code="robo")
    hall = Room.objects.create(institution=centre, name="Zinātnes zāle", kind="hall")
    path = write(tmp_path, "activity,date,start,end,room,places\nrobo,2025-10-14,10:00,11:30,zinātnes zāle,24\n")
    SlotImporter(viewer=staff).run(path)
    imported = Slot.objects.get(date=date(2025, 10, 14))
    assert imported.space == hall and imported.room == "Zinātnes zāle"  # named as the centre names the room
    clash = write(tmp_path, "activity,date,start,end,room,places\nrobo,2025-10-14,11:00,12:00,Zinātnes zāle,24\n")
    with pytest.raises(ImportFailed) as failed:
        SlotImporter(viewer=staff).run(clash)
    assert [error.column for error in failed.value.errors] == ["room"]
    assert Slot.objects.filter(date=date(2025, 10, 14)).count() == 1  # nothing of the file was saved


def devices(centre: Institution, n: int = 3) -> list[Asset]:
    ensure_standard_kinds()
    tablet = AssetKind.objects.get(code="tablet")
    return [Asset.objects.create(inventory_number=f"IC-PL-{i}", kind=tablet, institution=centre) for i in range(n)]


def test_kits_go_out_with_a_group_and_come_back(signed_in: Callable[[User], Client]) -> None:
    centre = make_centre()
    tablets = devices(centre)
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    client = signed_in(staff)
    page = client.get("/innovation/equipment/")
    assert page.status_code == 200 and "IC-PL-0" in page.content.decode()
    sent = client.post(
        "/innovation/equipment/",
        {"assets": [tablets[0].pk, tablets[1].pk], "group": "Preiļu 1. pamatskola, 6.b", "lent_on": "2025-11-05"},
    )
    assert sent.status_code == 302
    assert set(Asset.objects.filter(status=AssetStatus.LENT).values_list("pk", flat=True)) == {
        tablets[0].pk, tablets[1].pk,
    }  # fmt: skip
    assert AssetStatusChange.objects.filter(asset=tablets[0], status="lent", note__contains="Preiļu").exists()
    again = client.post("/innovation/equipment/", {"assets": [tablets[0].pk], "group": "Cita", "lent_on": "2025-11-05"})
    assert again.status_code == 200  # not in stock: not offered, refused
    assert KitLoan.objects.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds one open loan per kit
        KitLoan.objects.create(centre=centre, asset=tablets[0], group="X", lent_on=date(2025, 11, 6))
    loan = KitLoan.objects.get(asset=tablets[0])
    garbled = client.post(f"/innovation/equipment/loans/{loan.pk}/return/", {"version": "x"})
    assert garbled.status_code == 302 and KitLoan.objects.get(pk=loan.pk).returned_on is None  # refused as stale
    assert client.post(f"/innovation/equipment/loans/{loan.pk}/return/", {"version": loan.version}).status_code == 302
    assert Asset.objects.get(pk=tablets[0].pk).status == AssetStatus.IN_STOCK
    assert KitLoan.objects.get(pk=loan.pk).returned_on is not None


def test_another_centres_kits_cannot_be_lent() -> None:
    centre = make_centre()
    other = InstitutionFactory(type="innovation_centre", name="Otrs centrs")
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    foreign = devices(other, 1)
    with pytest.raises(ValidationError):
        services.kits_lend(viewer=staff, centre_id=centre.pk, assets=foreign, group="X", booking=None,
                           on=date(2025, 11, 5))  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017  # not this viewer's centre at all
        services.kits_lend(viewer=staff, centre_id=other.pk, assets=foreign, group="X", booking=None,
                           on=date(2025, 11, 5))  # fmt: skip
    assert not KitLoan.objects.exists()
    assert Asset.objects.get(pk=foreign[0].pk).status == AssetStatus.IN_STOCK


def test_a_unit_of_an_institution() -> None:
    jauniba = InstitutionFactory(type="interest", name="BJC “Jaunība”")
    centre = make_centre()
    centre.part_of = jauniba
    centre.full_clean()
    centre.save()
    assert list(jauniba.units.all()) == [centre]
    jauniba.part_of = centre  # a unit's unit: refused
    with pytest.raises(ValidationError):
        jauniba.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Institution.objects.filter(pk=centre.pk).update(part_of=centre)

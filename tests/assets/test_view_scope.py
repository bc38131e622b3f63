"""The assets pages take their scope from the base views: a head of another school gets 404 on our device, loan,
stock-take and RUMIS export, as for a missing row, and prints none of our loan agreements; the agreements PDF of a
class is one bulk read of children's data in the audit trail, with the number of loans."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets import services
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, Loan, Stocktake
from eduboard.core.scope import WHOLE_CITY
from eduboard.finance.sources import ensure_standard_sources
from eduboard.registry.models import Institution
from tests.registry.world import World, build_world
from tests.support.pages import RefusesChanges

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def loan_reads() -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Loan), additional_data__read="bulk"
        ).order_by("pk")
    )


@pytest.fixture
def world() -> World:
    ensure_standard_kinds()
    ensure_standard_sources()
    return build_world(pupils=3)


@pytest.fixture
def lent(world: World, make_user: Callable[..., User]) -> list[Loan]:
    """Three Chromebooks of our school, lent to the three pupils of its class 1.a."""
    kind = AssetKind.objects.get(code="chromebook")
    for number in ("CB-1", "CB-2", "CB-3"):
        services.asset_save(
            asset=Asset(inventory_number=number, kind=kind, institution=world.school, acquired_on=date(2024, 1, 1)),
            viewer=WHOLE_CITY,
        )
    result = services.loans_bulk_create(
        group=world.class_1a, kind=kind, lent_on=date(2024, 9, 2), due_on=None, viewer=make_user(Role.BOARD_ADMIN)
    )
    return list(result.lent)


def test_the_loan_agreements_pdf_writes_one_bulk_read_with_the_number_of_loans(
    world: World, lent: list[Loan], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    head = make_user(Role.INSTITUTION_HEAD, [world.school])
    ids = ",".join(str(loan.pk) for loan in lent)
    response = signed_in(head).get("/assets/loans/agreements.pdf", {"loans": ids})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    [entry] = loan_reads()
    assert (entry.actor, entry.additional_data["rows"]) == (head, 3)
    assert entry.additional_data["path"] == "/assets/loans/agreements.pdf"


def test_a_head_of_another_school_prints_none_of_our_agreements(
    world: World, lent: list[Loan], make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    other = signed_in(make_user(Role.INSTITUTION_HEAD, [world.other_school]))
    ids = ",".join(str(loan.pk) for loan in lent)
    refused = other.get("/assets/loans/agreements.pdf", {"loans": ids})
    assert refused.status_code == 302 and loan_reads() == []  # "no loans to print": nothing was read


class TestAssetPages(RefusesChanges):
    """A head of another school: our device, our stock-take, our RUMIS export; returning our loan."""

    @pytest.fixture
    def scoped_world(self, world: World, lent: list[Loan]) -> tuple[World, list[Loan], Stocktake]:
        take = services.stocktake_start(institution_id=world.school.pk, on=date(2024, 10, 1), viewer=WHOLE_CITY)
        return world, lent, take

    def institutions(self, world: tuple[World, list[Loan], Stocktake]) -> tuple[Institution, Institution]:
        return world[0].school, world[0].other_school

    def pages(self, world: tuple[World, list[Loan], Stocktake]) -> list[str]:
        school, lent, take = world[0].school, world[1], world[2]
        return [
            f"/assets/devices/{lent[0].asset_id}/",
            f"/assets/stock-takes/{take.pk}/",
            f"/assets/loans/rumis.csv?institution={school.registration_number}",
        ]

    def posts(self, world: tuple[World, list[Loan], Stocktake]) -> list[tuple[str, dict[str, object]]]:
        loan = world[1][0]
        return [
            (
                f"/assets/loans/{loan.pk}/return/",
                {"returned_on": "2024-10-01", "condition": "ok", "version": loan.version},
            )
        ]

    def state(self, world: tuple[World, list[Loan], Stocktake]) -> object:
        return list(Loan.objects.filter(pk__in=[loan.pk for loan in world[1]]).values_list("pk", "returned_on"))

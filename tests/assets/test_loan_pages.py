"""The loan pages (issue 39): lending a device asks to confirm a second device of a kind, and so does lending to a
class; a loan has a page and an agreement (PDF) reachable from it, from its device's page and from the loans list;
the list links each loan to its device and to its borrower's page, where the viewer may open it; the loans filter
says "State" in the sense of a loan's state, not the country."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation
from pdfminer.high_level import extract_text

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets import services
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.filters import LoanFilter
from eduboard.assets.models import Asset, AssetKind, Loan
from eduboard.core.scope import WHOLE_CITY
from eduboard.people.models import Employment, PositionKind, StaffMember
from eduboard.people.positions import ensure_standard_positions
from eduboard.registry.models import Learner
from tests.registry.world import CODES, World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

LENT_ON = date(2024, 9, 2)


@pytest.fixture
def world() -> World:
    ensure_standard_kinds()
    return build_world(pupils=3)


@pytest.fixture
def head(world: World, make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> Client:
    return signed_in(make_user(Role.INSTITUTION_HEAD, [world.school]))


def device(world: World, number: str) -> Asset:
    return services.asset_save(
        asset=Asset(
            inventory_number=number,
            kind=AssetKind.objects.get(code="chromebook"),
            institution=world.school,
            acquired_on=date(2024, 1, 1),
        ),
        viewer=WHOLE_CITY,
    )


def pupil(number: int) -> Learner:
    return Learner.objects.get(last_name=f"Zinātne{number}")


def lend(asset: Asset, learner: Learner, on: date = LENT_ON) -> Loan:
    return services.loan_create(asset=asset, learner=learner, lent_on=on, viewer=WHOLE_CITY)


def test_lending_a_second_device_of_a_kind_warns_and_lends_after_the_confirmation(
    world: World, head: Client, english: None
) -> None:
    lend(device(world, "CB-1"), pupil(0))
    second = device(world, "CB-2")
    url = f"/assets/devices/{second.pk}/"
    form = {"learner": pupil(0).pk, "lent_on": "2024-09-03"}

    warned = head.post(url, form)
    text = warned.content.decode()
    assert warned.status_code == 200 and "already holds a device of the kind" in text and "CB-1" in text
    assert f'name="confirm" value="{pupil(0).pk}"' in text  # the box that confirms it
    assert not Loan.objects.filter(asset=second).exists()

    # A confirmation given for another learner confirms nothing.
    assert head.post(url, {**form, "confirm": pupil(1).pk}).status_code == 200
    assert not Loan.objects.filter(asset=second).exists()

    confirmed = head.post(url, {**form, "confirm": pupil(0).pk})
    assert confirmed.status_code == 302 and confirmed["Location"] == url
    assert Loan.objects.get(asset=second).learner == pupil(0)


def test_a_first_device_of_a_kind_is_lent_without_a_question(world: World, head: Client) -> None:
    cb = device(world, "CB-1")
    response = head.post(f"/assets/devices/{cb.pk}/", {"learner": pupil(0).pk, "lent_on": "2024-09-03"})
    assert response.status_code == 302 and Loan.objects.get(asset=cb).learner == pupil(0)


def test_lending_to_a_class_lists_the_holders_and_lends_as_answered(world: World, head: Client, english: None) -> None:
    lend(device(world, "CB-1"), pupil(1))
    for number in ("CB-2", "CB-3", "CB-4"):
        device(world, number)
    kind = AssetKind.objects.get(code="chromebook")
    form = {"group": world.class_1a.pk, "kind": kind.pk, "lent_on": "2024-09-03"}

    warned = head.post("/assets/loans/class/", form)
    text = warned.content.decode()
    assert "1 learner of the class already holds a device of this kind" in text
    assert "Zinātne1" in text and "CB-1" in text and Loan.objects.count() == 1  # nothing lent yet
    assert f'name="confirm" value="{pupil(1).pk}"' in text and 'name="confirm" value="skip"' in text

    # A confirmation naming other learners than those who hold one now is asked again.
    again = head.post("/assets/loans/class/", {**form, "confirm": str(pupil(2).pk)})
    assert "already holds a device of this kind" in again.content.decode() and Loan.objects.count() == 1

    confirmed = head.post("/assets/loans/class/", {**form, "confirm": str(pupil(1).pk)})
    assert "Got a second device of this kind (confirmed)" in confirmed.content.decode()
    held = Loan.objects.filter(returned_on__isnull=True)
    assert sorted(held.values_list("learner__last_name", flat=True)) == [
        "Zinātne0",
        "Zinātne1",
        "Zinātne1",
        "Zinātne2",
    ]


def test_lending_to_a_class_can_skip_the_holders(world: World, head: Client) -> None:
    lend(device(world, "CB-1"), pupil(1))
    for number in ("CB-2", "CB-3", "CB-4"):
        device(world, number)
    form = {
        "group": world.class_1a.pk,
        "kind": AssetKind.objects.get(code="chromebook").pk,
        "lent_on": "2024-09-03",
        "confirm": "skip",
    }
    head.post("/assets/loans/class/", form)
    held = Loan.objects.filter(returned_on__isnull=True).order_by("learner__last_name")
    assert list(held.values_list("learner__last_name", flat=True)) == ["Zinātne0", "Zinātne1", "Zinātne2"]


def test_the_loans_list_links_each_loan_to_its_device_its_learner_its_page_and_its_agreement(
    world: World, head: Client
) -> None:
    loan = lend(device(world, "CB-1"), pupil(0))
    text = head.get("/assets/loans/").content.decode()
    assert f'<a href="/assets/devices/{loan.asset_id}/">CB-1</a>' in text
    assert f'<a href="/registry/learners/{pupil(0).pk}/">' in text
    assert f'href="/assets/loans/{loan.pk}/"' in text
    assert f'href="/assets/loans/agreements.pdf?loans={loan.pk}"' in text


def test_the_loans_list_links_a_borrower_only_where_the_viewer_may_open_their_page(world: World, head: Client) -> None:
    """Loans of our devices to our pupil, to a learner enrolled only at another school (a row written straight to
    the table: the services refuse it) and to our teacher: the head sees all three, and the borrowers are links
    only to the pages the head may open, our pupil's and our teacher's."""
    ensure_standard_positions()
    ours = lend(device(world, "CB-1"), pupil(0))
    stranger = Learner.objects.get(last_name="Centrs0")
    theirs = Loan.objects.create(asset=device(world, "CB-2"), learner=stranger, lent_on=LENT_ON)
    teacher = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1980, 1, 1)), first_name="Inese", last_name="Ozola"
    )
    Employment.objects.create(
        staff_member=teacher,
        institution=world.school,
        position=PositionKind.objects.get(code="subject_teacher"),
        fte=1,
        start_date=date(2020, 9, 1),
    )
    staff_loan = services.loan_create(
        asset=device(world, "CB-3"), staff_member=teacher, lent_on=LENT_ON, viewer=WHOLE_CITY
    )
    text = head.get("/assets/loans/").content.decode()
    assert f'href="/registry/learners/{ours.learner_id}/"' in text
    assert "Centrs0" in text and f'href="/registry/learners/{stranger.pk}/"' not in text
    assert f'href="/people/staff/{teacher.pk}/"' in text
    assert head.get(f"/registry/learners/{stranger.pk}/").status_code == 404  # the page the link would open
    assert f'href="/assets/devices/{theirs.asset_id}/"' in text and f'href="/assets/loans/{staff_loan.pk}/"' in text


def test_a_loan_page_links_its_device_learner_and_agreement_and_is_ours_alone(
    world: World, head: Client, make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    loan = lend(device(world, "CB-1"), pupil(0))
    page = head.get(f"/assets/loans/{loan.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'href="/assets/devices/{loan.asset_id}/"' in text
    assert f'href="/registry/learners/{pupil(0).pk}/"' in text
    assert f'href="/assets/loans/agreements.pdf?loans={loan.pk}"' in text
    other = signed_in(make_user(Role.INSTITUTION_HEAD, [world.other_school]))
    assert other.get(f"/assets/loans/{loan.pk}/").status_code == 404


def test_a_device_page_lists_its_current_and_past_loans_each_with_its_agreement(world: World, head: Client) -> None:
    cb = device(world, "CB-1")
    past = lend(cb, pupil(0))
    services.loan_return(loan_id=past.pk, returned_on=date(2024, 9, 10), condition="ok", viewer=WHOLE_CITY)
    current = lend(cb, pupil(1), on=date(2024, 9, 11))
    text = head.get(f"/assets/devices/{cb.pk}/").content.decode()
    for loan in (past, current):
        assert f'href="/assets/loans/agreements.pdf?loans={loan.pk}"' in text
        assert f'href="/assets/loans/{loan.pk}/"' in text
        assert f'href="/registry/learners/{loan.learner_id}/"' in text


def test_one_loans_agreement_is_one_page_naming_the_learner_and_the_device(world: World, head: Client) -> None:
    loan = lend(device(world, "CB-1"), pupil(0))
    lend(device(world, "CB-2"), pupil(1))
    response = head.get("/assets/loans/agreements.pdf", {"loans": str(loan.pk)})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('"loan-agreement-cb-1.pdf"')
    text = " ".join(extract_text(BytesIO(response.content)).split())
    assert "Zinātne0" in text and "CB-1" in text and "Zinātne1" not in text and "CB-2" not in text


def test_a_staff_members_agreement_names_them_as_the_staff_member(world: World, head: Client) -> None:
    ensure_standard_positions()
    teacher = StaffMember.objects.create(
        personal_code=CODES.for_birth_date(date(1980, 1, 1)), first_name="Inese", last_name="Ozola"
    )
    Employment.objects.create(
        staff_member=teacher,
        institution=world.school,
        position=PositionKind.objects.get(code="subject_teacher"),
        fte=1,
        start_date=date(2020, 9, 1),
    )
    loan = services.loan_create(asset=device(world, "CB-1"), staff_member=teacher, lent_on=LENT_ON, viewer=WHOLE_CITY)
    response = head.get("/assets/loans/agreements.pdf", {"loans": str(loan.pk)})
    text = " ".join(extract_text(BytesIO(response.content)).split())
    assert "nodod darbiniekam Inese Ozola" in text and "izglītojam" not in text


def test_the_learner_page_part_lists_the_learners_devices_with_their_loans(world: World) -> None:
    """The part registry's learner page includes (assets/partials/learner_loans.html)."""
    loan = lend(device(world, "CB-1"), pupil(0))
    html = render_to_string("assets/partials/learner_loans.html", {"learner_loans": [loan]})
    assert f'<a href="/assets/devices/{loan.asset_id}/">CB-1</a>' in html
    assert f'href="/assets/loans/{loan.pk}/"' in html and f"agreements.pdf?loans={loan.pk}" in html
    assert "<table" not in render_to_string("assets/partials/learner_loans.html", {"learner_loans": []})


def test_the_loans_filter_state_is_a_loans_state_not_the_country() -> None:
    label = LoanFilter().form.fields["state"].label
    with translation.override("lv"):
        assert str(label) != "Valsts"  # "Valsts" is the state as a founder or funder (registry's founders)

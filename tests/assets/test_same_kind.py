"""A second device of a kind (issue 39): the rule `holds_same_kind` against its definition in random small worlds,
and the services that ask it. The definition (assets/rules.py): of the learners asked about, those who hold a
device of the kind on the day, i.e. a loan of a device of that kind lent on or before the day and not returned by
then, each with those loans. Lending one device warns (when asked to) and lends after a confirmation; lending to a
class skips the holders unless the lender confirms, and then serves those without a device first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from hypothesis import given
from hypothesis import strategies as st

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.assets import services
from eduboard.assets.choices import ensure_standard_kinds
from eduboard.assets.models import Asset, AssetKind, Loan
from eduboard.assets.rules import holds_same_kind
from eduboard.core.scope import WHOLE_CITY
from eduboard.registry.models import Institution, Learner
from eduboard.registry.synthetic import PersonalCodes
from tests.figure_worlds import FIGURE_SETTINGS, day_on_or_after, days, rolled_back
from tests.registry.world import World, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

KINDS = ["chromebook", "laptop"]


@dataclass(frozen=True)
class LoanRow:
    learner: int
    lent_on: date
    returned_on: date | None


@dataclass(frozen=True)
class DeviceRow:
    kind: str
    loans: tuple[LoanRow, ...]  # one after the other; the last may be open


@st.composite
def device_rows(draw: st.DrawFn, learners: int) -> DeviceRow:
    loans: list[LoanRow] = []
    first = draw(days())
    for _ in range(draw(st.integers(0, 3))):
        returned_on = None if draw(st.booleans()) else day_on_or_after(draw, first)
        loans.append(LoanRow(draw(st.integers(0, learners - 1)), first, returned_on))
        if returned_on is None:
            break
        first = day_on_or_after(draw, returned_on)
    return DeviceRow(kind=draw(st.sampled_from(KINDS)), loans=tuple(loans))


@st.composite
def worlds(draw: st.DrawFn) -> tuple[int, list[DeviceRow]]:
    learners = draw(st.integers(1, 4))
    return learners, [draw(device_rows(learners)) for _ in range(draw(st.integers(1, 8)))]


def expected_holders(
    devices: list[DeviceRow], asked: set[int], kind: str, on: date
) -> dict[int, list[tuple[int, int]]]:
    """The definition over the rows in memory: learner -> [(device, loan index)] of the loans open on the day."""
    held: dict[int, list[tuple[int, int]]] = {}
    for device_index, device in enumerate(devices):
        for loan_index, loan in enumerate(device.loans):
            open_that_day = loan.lent_on <= on and (loan.returned_on is None or loan.returned_on > on)
            if device.kind == kind and loan.learner in asked and open_that_day:
                held.setdefault(loan.learner, []).append((device_index, loan_index))
    return {learner: sorted(loans) for learner, loans in held.items()}


def test_holds_same_kind_equals_its_definition_in_random_worlds() -> None:
    @FIGURE_SETTINGS
    @given(world=worlds(), on=days(), kind=st.sampled_from(KINDS), asked=st.sets(st.integers(0, 3)))
    def check(world: tuple[int, list[DeviceRow]], on: date, kind: str, asked: set[int]) -> None:
        count, devices = world
        with rolled_back():
            ensure_standard_kinds()
            codes = PersonalCodes()
            school = Institution.objects.create(name="Skola", type="secondary", registration_number="9000000011")
            learners = [
                Learner.objects.create(
                    personal_code=codes.for_birth_date(date(2015, 1, 1 + index)),
                    first_name="Anna",
                    last_name=f"Liepa{index}",
                    birth_date=date(2015, 1, 1 + index),
                )
                for index in range(count)
            ]
            kinds = {kind.code: kind for kind in AssetKind.objects.filter(code__in=KINDS)}
            where: dict[int, tuple[int, int]] = {}  # loan id -> (device, loan index)
            for device_index, device in enumerate(devices):
                asset = Asset.objects.create(
                    inventory_number=f"D-{device_index}", kind=kinds[device.kind], institution=school
                )
                for loan_index, row in enumerate(device.loans):
                    loan = Loan.objects.create(
                        asset=asset, learner=learners[row.learner], lent_on=row.lent_on, returned_on=row.returned_on
                    )
                    where[loan.pk] = (device_index, loan_index)
            asked_ids = [learners[index].pk for index in asked if index < count]
            answer = holds_same_kind(learner_ids=asked_ids, kind_id=kinds[kind].pk, on=on)
            index_of = {learner.pk: index for index, learner in enumerate(learners)}
            found = {index_of[pk]: sorted(where[loan.pk] for loan in loans) for pk, loans in answer.items()}
            assert found == expected_holders(devices, {i for i in asked if i < count}, kind, on)
            reached.add("holders" if found else "none")
            if any(loan.returned_on and loan.lent_on <= on < loan.returned_on for d in devices for loan in d.loans):
                reached.add("returned later")

    reached: set[str] = set()
    check()
    assert reached == {"holders", "none", "returned later"}  # the worlds drawn meet the rule's cases


@pytest.fixture
def world() -> World:
    ensure_standard_kinds()
    return build_world(pupils=3)


def device(world: World, number: str, kind: str = "chromebook", institution: Institution | None = None) -> Asset:
    return services.asset_save(
        asset=Asset(
            inventory_number=number,
            kind=AssetKind.objects.get(code=kind),
            institution=institution or world.school,
            acquired_on=date(2024, 1, 1),
        ),
        viewer=WHOLE_CITY,
    )


def pupil(number: int) -> Learner:
    return Learner.objects.get(last_name=f"Zinātne{number}")


def test_lending_a_second_chromebook_warns_naming_the_first_and_lends_once_confirmed(
    world: World, english: None
) -> None:
    first, second = device(world, "CB-1"), device(world, "CB-2")
    services.loan_create(asset=first, learner=pupil(0), lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    with pytest.raises(ValidationError) as warned:
        services.loan_create(
            asset=second, learner=pupil(0), lent_on=date(2024, 9, 3), viewer=WHOLE_CITY, warn_same_kind=True
        )
    assert warned.value.code == "holds_same_kind"
    lent_on = date_format(date(2024, 9, 2), "SHORT_DATE_FORMAT")
    assert "already holds" in warned.value.messages[0] and f"CB-1 ({lent_on})" in warned.value.messages[0]
    assert Loan.objects.filter(asset=second).count() == 0
    # Confirmed (no warning asked): the second device is lent.
    services.loan_create(asset=second, learner=pupil(0), lent_on=date(2024, 9, 3), viewer=WHOLE_CITY)
    assert Loan.objects.filter(learner=pupil(0), returned_on__isnull=True).count() == 2


def test_no_warning_for_another_kind_a_returned_device_or_another_learner(world: World) -> None:
    chromebook, laptop, later = device(world, "CB-1"), device(world, "LT-1", kind="laptop"), device(world, "CB-2")
    loan = services.loan_create(asset=chromebook, learner=pupil(0), lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    services.loan_create(
        asset=laptop, learner=pupil(0), lent_on=date(2024, 9, 3), viewer=WHOLE_CITY, warn_same_kind=True
    )
    services.loan_create(
        asset=later, learner=pupil(1), lent_on=date(2024, 9, 3), viewer=WHOLE_CITY, warn_same_kind=True
    )
    services.loan_return(loan_id=loan.pk, returned_on=date(2024, 9, 10), condition="ok", viewer=WHOLE_CITY)
    services.loan_create(
        asset=chromebook, learner=pupil(2), lent_on=date(2024, 9, 11), viewer=WHOLE_CITY, warn_same_kind=True
    )
    spare = device(world, "CB-3")
    services.loan_create(  # pupil 0 gave the first Chromebook back on 10 September: no warning after it
        asset=spare, learner=pupil(0), lent_on=date(2024, 9, 12), viewer=WHOLE_CITY, warn_same_kind=True
    )
    assert Loan.objects.count() == 5


def test_the_warning_names_another_schools_device_without_its_number(
    world: World, make_user: Callable[..., User], english: None
) -> None:
    from eduboard.registry.models import Enrolment

    theirs = device(world, "THEIRS-1", institution=world.other_school)
    Enrolment.objects.create(learner=pupil(0), group=world.other_class, enrolled_on=date(2024, 9, 1))
    services.loan_create(asset=theirs, learner=pupil(0), lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    head = make_user(Role.INSTITUTION_HEAD, [world.school])
    with pytest.raises(ValidationError) as warned:
        services.loan_create(
            asset=device(world, "CB-1"), learner=pupil(0), lent_on=date(2024, 9, 3), viewer=head, warn_same_kind=True
        )
    assert "THEIRS-1" not in warned.value.messages[0]
    lent_on = date_format(date(2024, 9, 2), "SHORT_DATE_FORMAT")
    assert f"a device of another institution ({lent_on})" in warned.value.messages[0]


def test_a_class_lending_skips_the_holders_unless_confirmed_and_serves_those_without_first(world: World) -> None:
    kind = AssetKind.objects.get(code="chromebook")
    first = device(world, "CB-1")
    services.loan_create(asset=first, learner=pupil(1), lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    for number in ("CB-2", "CB-3"):
        device(world, number)
    skipped = services.loans_bulk_create(
        group=world.class_1a, kind=kind, lent_on=date(2024, 9, 3), due_on=None, viewer=WHOLE_CITY
    )
    assert [learner.last_name for learner in skipped.already] == ["Zinātne1"] and skipped.second == []
    assert sorted(loan.learner.last_name for loan in skipped.lent) == ["Zinātne0", "Zinātne2"]

    # Now every pupil holds one, pupil 1 since 2 September; two spare devices and pupil 1 asked for with the
    # others: all three hold one, so all three are "second"; only two devices: the third waits.
    for number in ("CB-4", "CB-5"):
        device(world, number)
    confirmed = services.loans_bulk_create(
        group=world.class_1a,
        kind=kind,
        lent_on=date(2024, 9, 4),
        due_on=None,
        viewer=WHOLE_CITY,
        include_holders=True,
    )
    assert confirmed.already == [] and len(confirmed.lent) == 2 and len(confirmed.without) == 1
    assert {learner.pk for learner in confirmed.second} == {loan.learner_id for loan in confirmed.lent}


def test_a_confirmed_class_lending_gives_a_device_first_to_those_who_hold_none(world: World) -> None:
    kind = AssetKind.objects.get(code="chromebook")
    services.loan_create(asset=device(world, "CB-1"), learner=pupil(0), lent_on=date(2024, 9, 2), viewer=WHOLE_CITY)
    for number in ("CB-2", "CB-3"):
        device(world, number)
    result = services.loans_bulk_create(
        group=world.class_1a,
        kind=kind,
        lent_on=date(2024, 9, 3),
        due_on=None,
        viewer=WHOLE_CITY,
        include_holders=True,
    )
    # Two devices for three pupils, pupil 0 holding one: pupils 1 and 2 get them; pupil 0 waits.
    assert sorted(loan.learner.last_name for loan in result.lent) == ["Zinātne1", "Zinātne2"]
    assert [learner.last_name for learner in result.without] == ["Zinātne0"] and result.second == []

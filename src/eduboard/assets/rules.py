"""The lending rules of the assets area, each written once: the services, the class lending and the importer ask
these (a device is lent to someone enrolled or working at its institution on the day, to one loan at a time, and
comes back to the status its condition says; a learner who already holds a device of a kind is lent a second one
only after the lender confirms)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from eduboard.assets.choices import AssetStatus, ReturnCondition
from eduboard.assets.models import Asset, Loan
from eduboard.people.models import Employment
from eduboard.registry.models import Enrolment

RETURN_STATUS: dict[str, str] = {
    ReturnCondition.OK.value: AssetStatus.IN_STOCK.value,
    ReturnCondition.DAMAGED.value: AssetStatus.IN_REPAIR.value,
    ReturnCondition.LOST.value: AssetStatus.LOST.value,
}


def learner_enrolled_at(*, learner_id: int, institution_id: int, on: date) -> bool:
    """The lending rule for a learner: a device of an institution is lent only to a learner whose enrolment there
    holds on the day (`EnrolmentQuerySet.holding_on`); the service, the class lending and the importer ask this."""
    return Enrolment.objects.holding_on(on).filter(learner_id=learner_id, group__institution_id=institution_id).exists()


def staff_member_works_at(*, staff_member_id: int, institution_id: int, on: date) -> bool:
    """The lending rule for staff: a device is lent only to a person holding a rate at its institution on the day."""
    return (
        Employment.objects.active_on(on).filter(staff_member_id=staff_member_id, institution_id=institution_id).exists()
    )


def loans_meet(*, lent_on: date, returned_on: date | None, other_lent_on: date, other_returned_on: date | None) -> bool:
    """The lending rule that a device is on one loan at a time: whether the days [lent_on, returned_on) of a loan
    meet another loan's of the same device (an open loan reaches to the end of time). The service and the
    importer ask this."""
    return (other_returned_on is None or other_returned_on > lent_on) and (
        returned_on is None or other_lent_on < returned_on
    )


def overlapping_loan(
    *, asset: Asset, lent_on: date, returned_on: date | None, exclude: int | None = None
) -> Loan | None:
    """A loan of `asset` whose days meet [lent_on, returned_on) (`loans_meet`; a device's loans are few)."""
    loans = Loan.objects.filter(asset=asset)
    if exclude is not None:
        loans = loans.exclude(pk=exclude)
    return next(
        (
            loan
            for loan in loans
            if loans_meet(
                lent_on=lent_on,
                returned_on=returned_on,
                other_lent_on=loan.lent_on,
                other_returned_on=loan.returned_on,
            )
        ),
        None,
    )


def holds_same_kind(*, learner_ids: Iterable[int], kind_id: int, on: date) -> dict[int, list[Loan]]:
    """The lending rule that asks before a second device of a kind: of `learner_ids`, the learners who hold a device
    of the kind `kind_id` on `on` (a loan of it open that day, `LoanQuerySet.open_on`), each with those loans and
    their devices. A warning, not a refusal: the single loan and the class lending ask the lender to confirm; files
    (the loans import) and the API do not ask. One query."""
    held: dict[int, list[Loan]] = {}
    loans = (
        Loan.objects.open_on(on)
        .filter(learner_id__in=list(learner_ids), asset__kind_id=kind_id)
        .select_related("asset__kind")
        .order_by("lent_on", "pk")
    )
    for loan in loans:
        held.setdefault(loan.learner_id, []).append(loan)
    return held

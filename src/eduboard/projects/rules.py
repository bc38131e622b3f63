"""The rules of project money and dates, in one place: the services, the importers and the API all ask these.

Pure functions of values (no database), so a page, a file row and a property test judge alike.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from eduboard.core.numbers import money

HUNDRED = Decimal("100.00")
#: A payment is received between the project's start and this many months after its end.
PAYMENT_MONTHS_AFTER_END = 12


def months_after(day: date, months: int) -> date:
    """`day` moved `months` calendar months on (31 January + 1 month = 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_payment_day(end_date: date) -> date:
    """The last day a payment of a project ending on `end_date` may be received."""
    return months_after(end_date, PAYMENT_MONTHS_AFTER_END)


def tranche_values(
    *, city_share: Decimal, share_percent: Decimal | None, amount: Decimal | None
) -> tuple[Decimal, Decimal]:
    """A tranche's (share in %, amount) from what was given: the amount from the share of the city's share, the share
    from the amount, or both checked against each other (to the cent). Raises ValueError with a reason."""
    if share_percent is None and amount is None:
        raise ValueError(_("give the share in per cent or the amount"))
    if share_percent is not None and not Decimal(0) < share_percent <= HUNDRED:
        raise ValueError(_("a share is more than 0 and at most 100 %"))
    if amount is not None and amount <= 0:
        raise ValueError(_("an amount is more than zero"))
    if amount is None:
        assert share_percent is not None  # noqa: S101 - one of the two is given (checked above)
        return share_percent, money(city_share * share_percent / HUNDRED)
    if share_percent is None:
        if city_share <= 0:
            raise ValueError(_("the project has no city's share to take a share of"))
        return money(amount * HUNDRED / city_share), amount
    expected = money(city_share * share_percent / HUNDRED)
    if abs(expected - amount) > Decimal("0.01"):
        raise ValueError(
            _("%(share)s %% of the city's share %(city_share)s is %(expected)s, not %(amount)s")
            % {"share": share_percent, "city_share": city_share, "expected": expected, "amount": amount}
        )
    return share_percent, amount


def settle_rounding(
    *, city_share: Decimal, tranches: list[tuple[Decimal, Decimal]], derived: list[bool]
) -> list[tuple[Decimal, Decimal]]:
    """A plan whose shares add up to exactly 100 % but whose amounts, worked out from the shares and each rounded to
    the cent, miss the city's share by those roundings (33.33 + 33.33 + 33.34 % of 14,050.00 gives 14,050.01): the
    remainder goes to the last tranche whose amount was worked out (`derived`). Any other plan is returned as it
    is, for `plan_problems` to judge."""
    shares = sum((share for share, _amount in tranches), Decimal(0))
    difference = city_share - sum((amount for _share, amount in tranches), Decimal(0))
    worked_out = [index for index, flag in enumerate(derived) if flag]
    if shares != HUNDRED or not difference or not worked_out:
        return tranches
    if abs(difference) > Decimal("0.01") * len(worked_out):
        return tranches
    last = worked_out[-1]
    settled = list(tranches)
    share, amount = settled[last]
    settled[last] = (share, amount + difference)
    return settled


def plan_problems(*, city_share: Decimal, tranches: Iterable[tuple[Decimal | None, Decimal]]) -> dict[str, str]:
    """What is wrong with a tranche plan ((share %, amount) of each tranche), by the column it is about: the shares
    (`share_percent`) must add up to 100 % and the amounts (`amount`) to the city's share. An empty plan is not
    wrong (nothing is planned yet)."""
    tranches = list(tranches)
    if not tranches:
        return {}
    problems = {}
    shares = sum((share or Decimal(0) for share, _amount in tranches), Decimal(0))
    amounts = sum((amount for _share, amount in tranches), Decimal(0))
    # A share worked out from an amount is rounded to a hundredth, so the shares may miss 100 by that much a tranche.
    tolerance = Decimal("0.01") * len(tranches)
    if any(share is not None for share, _amount in tranches) and abs(shares - HUNDRED) > tolerance:
        problems["share_percent"] = _("the tranches' shares add up to %(total)s %%, not 100 %%") % {"total": shares}
    if amounts != city_share:
        message = _("the tranches' amounts add up to %(total)s EUR, not the city's share %(city_share)s EUR")
        problems["amount"] = message % {"total": money(amounts), "city_share": money(city_share)}
    return problems


def received_exceeds_share(*, received: Decimal, city_share: Decimal) -> bool:
    """Whether a project has received more than the city's share (what is received is at most that share): a page's
    edit of the share and an imported file's payments are refused alike."""
    return received > city_share


def payment_problem(
    *, amount: Decimal, received_on: date, city_share: Decimal, received: Decimal, start_date: date, end_date: date
) -> str | None:
    """Why a payment of `amount` received on `received_on` cannot be recorded (None: it can): it is more than zero,
    at most what is still due (the city's share less what was `received` before), and received between the
    project's start and 12 months after its end."""
    if amount <= 0:
        return _("a payment is more than zero")
    due = city_share - received
    if amount > due:
        return _("the payment %(amount)s EUR is more than is still due (%(due)s EUR)") % {
            "amount": money(amount),
            "due": money(due),
        }
    last = last_payment_day(end_date)
    if not start_date <= received_on <= last:
        return _("a payment is received between the project's start %(start)s and %(last)s") % {
            "start": start_date.isoformat(),
            "last": last.isoformat(),
        }
    return None


def mobility_problem(*, from_date: date, to_date: date, start_date: date, end_date: date) -> str | None:
    """Why a mobility from `from_date` to `to_date` does not fit its project (None: it fits)."""
    if to_date < from_date:
        return _("a mobility ends on or after its first day")
    if from_date < start_date or to_date > end_date:
        return _("a mobility lies within the project's dates %(start)s–%(end)s") % {
            "start": start_date.isoformat(),
            "end": end_date.isoformat(),
        }
    return None


def prefinancing_outstanding(*, paid: Decimal, returned: Decimal) -> Decimal:
    """Prefinancing still to be returned to the city: paid by the city less returned."""
    return money(paid - returned)


def institutions_after_edit(*, current: set[int], given: set[int], scope: set[int] | None) -> set[int]:
    """The institutions of a project after an edit by a viewer who sees `scope` (None: the whole city): the viewer
    sets their own institutions' part; the institutions outside their scope stay as they are, so a head never
    removes another school from a project they share."""
    if scope is None:
        return set(given)
    return (current - scope) | (given & scope)

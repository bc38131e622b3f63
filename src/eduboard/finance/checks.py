"""The finance area's data-quality check (issue 43; docs/figures.md, "Data quality"): allocations spent beyond
their amount, by the finance area's own reading of spending (`allocation_utilisation`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse

from eduboard.core.data_checks import Finding, last_written_by_institution, object_ref
from eduboard.core.dates import same_day_a_year_before
from eduboard.core.numbers import money
from eduboard.core.scope import Viewer
from eduboard.finance.models import Allocation, Expenditure
from eduboard.finance.selectors import allocation_utilisation


def spending_over_allocation(*, as_of: date, visible_to: Viewer, threshold: Decimal | None) -> list[Finding]:
    """Allocations of the year of `as_of` in the viewer's scope whose spending up to `as_of` exceeds the amount
    allocated by more than `threshold` per cent (0 by default: one cent over is found), as `allocation_utilisation`
    reads them. An allocation to a group of institutions is the board's (no institution)."""
    allowed = threshold if threshold is not None else Decimal(0)
    over = [
        use
        for use in allocation_utilisation(as_of=as_of, visible_to=visible_to)
        if use.spent * 100 > use.allocated * (100 + allowed)
    ]
    institutions = dict(
        Allocation.objects.filter(pk__in=[use.id for use in over]).values_list("pk", "institution_id").order_by()
    )
    return [
        Finding(
            "spending_over_allocation",
            institutions.get(use.id),
            object_ref(Allocation, use.id),
            reverse("finance:allocation_detail", args=[use.id]),
            {
                "allocation": f"{use.year} {use.recipient_name}: {use.purpose_label}, {use.source_name}",
                "spent": str(money(use.spent)),
                "allocated": str(money(use.allocated)),
            },
        )
        for use in sorted(over, key=lambda use: use.id)
    ]


def money_sent_at(*, day: date, institutions: Iterable[int]) -> dict[int, datetime]:
    """{institution id: when its spending up to `day` was last written}: the latest change of the expenditures of its
    own allocations dated in the year up to `day` (after the same day a year before, to `day`: for 1 January the
    year just ended, for 1 September the months since January and the autumn before); an institution with none has
    sent no money for that day (the census, issue 43)."""
    spent = Expenditure.objects.filter(
        allocation__institution__in=list(institutions), date__gt=same_day_a_year_before(day), date__lte=day
    )
    return last_written_by_institution(spent, "allocation__institution_id")

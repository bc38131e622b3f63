"""Seed 002's section II, learning resources and digital solutions ("Mācību resursi un digitālie risinājumi"): the
devices held and lent, the licences in force and the rooms' computers, from the assets area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from eduboard.assets.models import AssetKind
from eduboard.reports.content import L, T
from eduboard.reports.readiness.base import (
    ASSETS,
    Block,
    BuildContext,
    day,
    figure,
    figures,
    narrative,
    needs,
    table,
)


def section_resources(ctx: BuildContext) -> list[Block]:
    """Learning resources and digital solutions: the devices held (interactive screens, Chromebooks, …), those lent
    to learners (entered in RUMIS), licences in force and the rooms' computers, from the assets area."""
    stats = ctx.assets
    kinds = {kind.code: L(kind) for kind in AssetKind.objects.all()}  # each kind's name in every language
    by_kind = stats["assets_by_kind"]
    held = {code: figures_of["total"] for code, figures_of in by_kind.items()}
    rows = [
        [kinds.get(code, code), counts["total"], counts["lent"], counts["in_stock"], counts["in_repair"]]
        for code, counts in by_kind.items()
        if counts["total"]
    ]
    return [
        *needs(
            ASSETS,
            figures(
                figure("resources.interactive_screens", T(_("Interactive screens")), held.get("interactive_screen", 0)),
                figure("resources.chromebooks", T(_("Chromebook computers")), held.get("chromebook", 0)),
                figure("resources.lent_to_learners", T(_("Devices lent to learners")), stats["on_loan_to_learners"]),
                figure("resources.lent_to_staff", T(_("Devices lent to staff")), stats["on_loan_to_staff"]),
                figure("resources.overdue_loans", T(_("Loans past their due date")), stats["overdue_loans"]),
                figure("resources.computers_in_rooms", T(_("Computers in rooms")), stats["computers_in_rooms"]),
            ),
            table(
                "resources.devices_by_kind",
                T(_("Devices held by kind")),
                [T(_("Kind")), T(_("Held")), T(_("lent")), T(_("in stock")), T(_("in repair"))],
                rows,
            ),
            table(
                "resources.devices_by_project",
                T(_("Devices by the project that paid for them")),
                [T(_("Project")), T(_("Title")), T(_("Kind")), T(_("Held"))],
                [
                    [row["reference"], L(row["titles"]), kinds.get(row["kind_code"], row["kind"]), row["count"]]
                    for row in ctx.assets_by_project
                ],
            ),
            table(
                "resources.licences",
                T(_("Licences in force")),
                [T(_("Product")), T(_("Seats"))],
                [[product, seats] for product, seats in stats["licence_seats"].items()],
                empty=T(_("On %(date)s no licence is in force."), date=day(ctx.as_of)),
            ),
        ),
        narrative("resources.text", T(_("Learning resources, devices and digital solutions"))),
    ]

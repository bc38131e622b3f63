from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "eduboard.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from eduboard.core.jobs import register_importers
        from eduboard.core.reference_import import reference_importer
        from eduboard.finance.importers import IMPORTERS
        from eduboard.finance.models import (
            Allocation,
            CateringContract,
            CostRate,
            DayOff,
            Expenditure,
            FundingSource,
            InstitutionSet,
            MealContract,
            MealRule,
            SettlementLine,
        )

        # Every change of an amount or a rule is in the audit trail.
        for model in (
            Allocation, Expenditure, CostRate, MealRule, SettlementLine, FundingSource, DayOff, MealContract,
            CateringContract,
        ):  # fmt: skip
            auditlog.register(model)
        auditlog.register(InstitutionSet, m2m_fields={"members"})
        register_importers("finance", IMPORTERS)

        from eduboard.finance.sources import ensure_standard_sources
        from eduboard.registry.board_data import on_new_board

        on_new_board(ensure_standard_sources)  # a new board's funding sources: the standard ones
        register_importers(
            "reference",
            {
                "funding_sources": reference_importer(
                    FundingSource,
                    kind="funding_sources",
                    title=_("Funding sources"),
                    permission="finance.change_fundingsource",
                )
            },
        )

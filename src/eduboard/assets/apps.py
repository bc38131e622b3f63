from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    """Devices, licences and rooms of the institutions, and devices lent to learners and staff."""

    name = "eduboard.assets"
    label = "assets"
    verbose_name = _("Devices and rooms")

    def ready(self) -> None:
        """Register the audited models."""
        from auditlog.registry import auditlog

        from eduboard.assets.importers import IMPORTERS
        from eduboard.assets.models import Asset, AssetKind, Licence, Loan, Room, Stocktake
        from eduboard.core.jobs import register_importers
        from eduboard.core.reference_import import reference_importer

        for model in (Asset, AssetKind, Licence, Room, Loan, Stocktake):
            auditlog.register(model)
        register_importers("assets", IMPORTERS)
        register_importers(
            "reference",
            {
                "asset_kinds": reference_importer(
                    AssetKind, kind="asset_kinds", title=_("Asset kinds"), permission="assets.change_assetkind"
                )
            },
        )

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataQualityConfig(AppConfig):
    """Data a board can trust: quality rules as data, run after every import and nightly, and what they find."""

    name = "eduboard.dataquality"
    label = "dataquality"
    verbose_name = _("Data quality")

    def ready(self) -> None:
        """Audit the rules, give a new board its rules, and check the data after every import."""
        from auditlog.registry import auditlog

        from eduboard.core.import_preview import register_preview_check
        from eduboard.core.imports import import_saved
        from eduboard.core.scope import Viewer
        from eduboard.dataquality.models import CensusDate, QualityRule
        from eduboard.dataquality.services import (
            data_check_after_import,
            data_check_preview,
            quality_rules_for_new_board,
        )
        from eduboard.registry.board_data import on_new_board

        auditlog.register(QualityRule)
        auditlog.register(CensusDate)
        on_new_board(quality_rules_for_new_board)

        def checked_after(sender: Any, viewer: Viewer, **_kwargs: Any) -> None:
            data_check_after_import(viewer=viewer)

        import_saved.connect(checked_after, dispatch_uid="dataquality-after-import", weak=False)
        register_preview_check(data_check_preview)

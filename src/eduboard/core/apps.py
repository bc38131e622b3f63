from collections.abc import Callable
from typing import Any

from django.apps import AppConfig, apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared core: school years, model bases, imports and exports."""

    name = "eduboard.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        """Register the audited models and the structural text checks."""
        from auditlog.registry import auditlog

        from eduboard.core.models import ImportJob, SchoolYear

        auditlog.register(ImportJob, exclude_fields=["stored_path"])
        auditlog.register(SchoolYear)  # the school years every figure is dated by
        add_text_validators()
        from django.db.models.signals import post_migrate

        from eduboard.core.latvian import ensure_search_indexes

        post_migrate.connect(ensure_search_indexes, dispatch_uid="eduboard-search-indexes")
        from eduboard.core import figures_cache

        figures_cache.install()  # every write renews the tokens of the cached figures it changes
        from django.db.backends.signals import connection_created

        from eduboard.core import board_wall

        # Every PostgreSQL connection keeps the second wall (core.board_wall) before each query.
        connection_created.connect(board_wall.connection_created, dispatch_uid="eduboard-board-wall")


def add_text_validators() -> None:
    """Give every text field of every eduboard model the text rules of `core.text`: no control characters in any
    text; no invisible or direction-changing characters in single-line text (CharField: names, titles, codes); a
    length limit on every long text (TextField: TEXT_MAX_CHARACTERS, or its own in LONGER_TEXTS).

    Model forms and DRF model serializers take a model field's validators, and `full_clean()` runs them,
    so no area has to remember it. The validators join the field's `validators` list (built once per
    field), not its constructor arguments, so migrations do not change.
    """
    from eduboard.core.text import (
        TextLengthValidator,
        text_limit,
        validate_no_control_characters,
        validate_no_invisible_characters,
    )

    for model in apps.get_models():
        if not model.__module__.startswith("eduboard."):
            continue
        for field in model._meta.fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            wanted: list[Callable[[Any], None]] = [validate_no_control_characters]
            if isinstance(field, models.CharField):
                wanted.append(validate_no_invisible_characters)
            else:
                wanted.append(TextLengthValidator(text_limit(f"{field.model._meta.label}.{field.name}")))
            validators = field.validators
            for validator in wanted:
                if validator not in validators:
                    validators.append(validator)

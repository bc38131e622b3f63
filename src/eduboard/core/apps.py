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

        from eduboard.core.models import ImportJob

        auditlog.register(ImportJob, exclude_fields=["stored_path"])
        refuse_control_characters_in_text_fields()
        from django.db.models.signals import post_migrate

        from eduboard.core.latvian import ensure_search_indexes

        post_migrate.connect(ensure_search_indexes, dispatch_uid="eduboard-search-indexes")
        from eduboard.core import figures_cache

        figures_cache.install()  # every write renews the tokens of the cached figures it changes


def refuse_control_characters_in_text_fields() -> None:
    """Give every text field of every eduboard model the control-character validator.

    Model forms and DRF model serializers take a model field's validators, and `full_clean()` runs them,
    so no area has to remember it. The validator joins the field's `validators` list (built once per
    field), not its constructor arguments, so migrations do not change.
    """
    from eduboard.core.text import validate_no_control_characters

    for model in apps.get_models():
        if not model.__module__.startswith("eduboard."):
            continue
        for field in model._meta.fields:
            if isinstance(field, (models.CharField, models.TextField)):
                validators = field.validators
                if validate_no_control_characters not in validators:
                    validators.append(validate_no_control_characters)

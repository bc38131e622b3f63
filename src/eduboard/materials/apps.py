from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    """Teaching materials the innovation centre shares with schools, and their file versions."""

    name = "eduboard.materials"
    label = "materials"
    verbose_name = _("Teaching materials")

    def ready(self) -> None:
        """Register the audited models."""
        from auditlog.registry import auditlog

        from eduboard.materials.models import Material, MaterialVersion

        auditlog.register(MaterialVersion)
        auditlog.register(Material, m2m_fields={"age_bands"})

"""Teaching materials the innovation centre shares with schools, and their file versions.

Its tables keep the names they were made with in the `innovation` app (`innovation_material`, …)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduboard.centre.models import AgeBand, Module
from eduboard.core.latvian import LatvianKeyField, LatvianKeysMixin
from eduboard.core.models import TimeStampedModel
from eduboard.core.scope import Viewer, institution_scope
from eduboard.registry.models import Institution, ScopedQuerySet

# --- teaching materials


class MaterialVisibility(models.TextChoices):
    PUBLIC = "public", _("public")
    TEACHERS = "teachers", _("teachers only (signed in)")


class MaterialQuerySet(ScopedQuerySet):
    """Every signed-in user reads the materials (teachers-only ones too); the public reads public ones. The
    centre's staff change their centre's."""

    def visible_to(self, viewer: Viewer) -> Any:
        if viewer is None:
            raise TypeError("A viewer is required: pass the user, or WHOLE_CITY for the whole city.")
        if getattr(viewer, "is_authenticated", True):
            return self
        return self.filter(visibility=MaterialVisibility.PUBLIC, current__isnull=False)

    def editable_by(self, viewer: Viewer) -> Any:
        scope = institution_scope(viewer)
        if scope is None:
            return self
        return self.filter(centre__in=scope)


class Material(LatvianKeysMixin, TimeStampedModel):
    """A teaching material the centre shares with schools: its metadata, who may see it, how often it was
    downloaded; the file is its newest version (`current`)."""

    centre = models.ForeignKey(Institution, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    age_bands = models.ManyToManyField(AgeBand, verbose_name=_("age bands"), blank=True, related_name="+")
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=2, default="lv")
    licence = models.CharField(_("licence"), max_length=40, default="CC BY 4.0")
    author = models.CharField(_("author"), max_length=200)
    visibility = models.CharField(
        _("who may see it"), max_length=8, choices=MaterialVisibility.choices, default=MaterialVisibility.TEACHERS
    )
    downloads = models.PositiveIntegerField(_("downloads"), default=0, editable=False)
    current = models.ForeignKey(
        "MaterialVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    sort_title = LatvianKeyField(sources=["title"])

    objects = MaterialQuerySet.as_manager()

    class Meta:
        db_table = "innovation_material"
        verbose_name = _("teaching material")
        verbose_name_plural = _("teaching materials")
        ordering = ["sort_title", "pk"]

    def __str__(self) -> str:
        return self.title


class MaterialVersionQuerySet(ScopedQuerySet):
    """A material's files follow the material's rule: read by whoever reads the material, changed by its centre."""

    institution_path = "material__centre"

    def visible_to(self, viewer: Viewer) -> Any:
        return self.filter(material__in=Material.objects.visible_to(viewer))


class MaterialVersion(models.Model):
    """One uploaded file of a material. The kind is what its content is (checked, never taken from the name)."""

    material = models.ForeignKey(Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="files")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="innovation/materials/")
    filename = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = MaterialVersionQuerySet.as_manager()

    class Meta:
        db_table = "innovation_materialversion"
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="innovation_material_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.material_id} v{self.number}"

"""Teaching materials (mācību materiāli) the innovation centre shares with schools: each upload is a new version of
the material, its file's type decided by `rules` from its content; downloads are counted.

Services check the viewer's permission and scope (the centre's staff change their centre's materials; the board
any centre's); `selectors` read what a viewer may see."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db.models import F
from django.utils.translation import gettext as _

from eduboard.centre.choices import LANGUAGES
from eduboard.centre.models import AgeBand
from eduboard.core.scope import Viewer
from eduboard.core.text import validate_no_control_characters
from eduboard.core.versions import atomic_write, save_versioned
from eduboard.materials.models import Material, MaterialVersion, MaterialVisibility
from eduboard.materials.rules import KINDS, LICENCES, check_upload, clean_filename
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

# --- writes

#: The institutions that share teaching materials: the innovation centre, and interest-education institutions (seed
#: 002: "BJC “Jaunība” mājaslapā ir pieejams 21 metodiskais materiāls (nodarbību apraksts)").
SHARING_TYPES = (InstitutionType.INNOVATION_CENTRE, InstitutionType.INTEREST_EDUCATION)


def _may_change(viewer: Viewer, material: Material) -> None:
    permission = "materials.add_material" if material.pk is None else "materials.change_material"
    if not viewer.has_perm(permission):
        raise PermissionDenied(_("Your role does not change teaching materials."))
    centre = Institution.objects.editable_by(viewer).filter(pk=material.centre_id, type__in=SHARING_TYPES)
    if not centre.exists():
        raise PermissionDenied(_("This centre is not in your scope."))
    if material.pk is not None and not Material.objects.editable_by(viewer).filter(pk=material.pk).exists():
        raise PermissionDenied(_("This material is not in your scope."))


def _clean_text(material: Material) -> None:
    for name in ("title", "subject", "author", "description"):
        value = str(getattr(material, name) or "")
        value = value.strip() if name == "description" else " ".join(value.split())
        try:
            validate_no_control_characters(value)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from None
        setattr(material, name, value)
    if not material.title:
        raise ValidationError({"title": _("Give the material a title.")})
    if not material.author:
        raise ValidationError({"author": _("Name the author.")})
    if material.language not in LANGUAGES:
        raise ValidationError({"language": _("Choose Latvian, Russian or English.")})
    if material.licence not in dict(LICENCES):
        raise ValidationError({"licence": _("Choose one of the licences offered.")})
    if material.visibility not in MaterialVisibility.values:
        raise ValidationError({"visibility": _("Choose who may see the material.")})


@atomic_write
def material_save(
    *,
    viewer: Viewer,
    material: Material,
    expected_version: int | None,
    age_bands: Iterable[AgeBand],
    uploaded_file: Any = None,
    note: str = "",
) -> Material:
    """Add a material with its first file (`uploaded_file`, required for a new one), or edit a material's
    metadata (refused when it was changed meanwhile: code `stale`). The centre must be the viewer's."""
    _may_change(viewer, material)
    _clean_text(material)
    new = material.pk is None
    if new and uploaded_file is None:
        raise ValidationError({"file": _("Choose the material's file.")})
    kind = check_upload(uploaded_file) if uploaded_file is not None else ""
    save_versioned(material, expected_version=expected_version, many={"age_bands": list(age_bands)})
    if uploaded_file is not None:
        _store_version(material, uploaded_file, kind=kind, viewer=viewer, note=note)
    return material


@atomic_write
def material_version_add(*, viewer: Viewer, material: Material, uploaded_file: Any, note: str = "") -> MaterialVersion:
    """Upload a new file of a material: its next version, which becomes the current one."""
    _may_change(viewer, material)
    if not viewer.has_perm("materials.add_materialversion"):
        raise PermissionDenied(_("Your role does not upload teaching materials."))
    kind = check_upload(uploaded_file)
    return _store_version(material, uploaded_file, kind=kind, viewer=viewer, note=note)


def _uploader(viewer: Viewer) -> Any:
    """The user named as the uploader: the signed-in viewer, or nobody for the whole city's work."""
    return viewer if getattr(viewer, "pk", None) else None


def _store_version(material: Material, uploaded: Any, *, kind: str, viewer: Viewer, note: str) -> MaterialVersion:
    note = " ".join(str(note or "").split())[:200]
    try:
        validate_no_control_characters(note)
    except ValidationError as error:
        raise ValidationError({"note": error.messages}) from None
    locked = Material.objects.select_for_update().get(pk=material.pk)
    last = MaterialVersion.objects.filter(material=locked).order_by("-number").values_list("number", flat=True)
    number = (last.first() or 0) + 1
    version = MaterialVersion(
        material=locked,
        number=number,
        filename=clean_filename(getattr(uploaded, "name", ""), kind),
        kind=kind,
        size=int(uploaded.size),
        note=note,
        uploaded_by=_uploader(viewer),
    )
    uploaded.seek(0)
    # Stored under a random name (the uploader's name is kept for the download only).
    version.file.save(f"{uuid.uuid4().hex}{KINDS[kind][1][0]}", File(uploaded), save=False)
    try:
        version.save()
        Material.objects.filter(pk=locked.pk).update(current=version)
    except Exception:
        version.file.delete(save=False)
        raise
    material.current = version
    return version


def material_download_record(*, material: Material) -> None:
    """Count one download of a material (one UPDATE, safe under simultaneous downloads)."""
    Material.objects.filter(pk=material.pk).update(downloads=F("downloads") + 1)

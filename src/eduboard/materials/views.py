"""Pages of the teaching materials: the library with search, filters and exports (every signed-in user reads it),
a material's metadata and its versions, a new material or version uploaded by the centre's staff, downloads; and
the public list of public materials in Latvian, Russian and English. Thin: rules in `innovation.materials`.

A file is served as an attachment under the name it was uploaded with, as the content type its checked content
is (never what the uploader's browser said), with `nosniff`; a download of the current version is counted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eduboard.centre.selectors import user_centre
from eduboard.core.exports import Column
from eduboard.core.public import render_in, url_language
from eduboard.core.versions import CONFLICT_CODES, error_codes
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.materials import rules, selectors, services
from eduboard.materials.filters import MaterialFilter, PublicMaterialFilter
from eduboard.materials.forms import MaterialForm, VersionForm
from eduboard.materials.models import Material, MaterialVersion, MaterialVisibility

PREFIX = "/centre/"
PUBLIC_PAGE_SIZE = 20


def _bands(material: Material) -> str:
    return ", ".join(str(band) for band in material.age_bands.all())


class MaterialListView(PermissionRequiredMixin, ScopedListView):
    """The teaching materials: every signed-in user reads them all (teachers-only ones too)."""

    permission_required = "materials.view_material"
    filterset_class = MaterialFilter
    template_name = "materials/list.html"
    partial_template_name = "materials/table.html"
    sort_fields = {"title": "sort_title", "subject": "subject", "downloads": "downloads", "updated": "updated_at"}
    default_sort = "title"
    export_filename = "materials"
    # The search is the selector's own (title, description, subject, author), not the indexed name search the base
    # class sorts specially: the rows are sorted plainly (downloads as numbers).
    search_param = ""
    export_columns = [
        Column(gettext_lazy("Title"), lambda m: m.title),
        Column(gettext_lazy("Module"), lambda m: str(m.module or "")),
        Column(gettext_lazy("Age bands"), _bands),
        Column(gettext_lazy("Subject"), lambda m: m.subject),
        Column(gettext_lazy("Language"), lambda m: m.language),
        Column(gettext_lazy("Author"), lambda m: m.author),
        Column(gettext_lazy("Licence"), lambda m: m.licence),
        Column(gettext_lazy("Who may see it"), lambda m: m.get_visibility_display()),
        Column(gettext_lazy("Kind"), lambda m: m.current.kind if m.current else ""),
        Column(gettext_lazy("Version"), lambda m: m.current.number if m.current else ""),
        Column(gettext_lazy("File name"), lambda m: m.current.filename if m.current else ""),
        Column(gettext_lazy("Downloads"), lambda m: m.downloads),
        Column(gettext_lazy("Updated"), lambda m: m.updated_at.date()),
    ]

    def get_rows(self) -> QuerySet[Any]:
        """The materials with what the list shows of them, by title."""
        return selectors.materials_for(viewer=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("materials.add_material") and (
            user_centre(viewer=self.request.user) is not None
        )
        return context


def _can_change(request: HttpRequest, material: Material) -> bool:
    """Whether the user's role may change materials and this one is their centre's."""
    return request.user.has_perm("materials.change_material") and (
        scoped_rows(request, Material, editing=True).filter(pk=material.pk).exists()
    )


@permission_required("materials.view_material", raise_exception=True)
def material_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A new material with its first file, or a material's metadata edited (refused when it changed meanwhile)."""
    material = scoped_object(request, Material, pk=pk) if pk else None
    if material is None:
        can_change = request.user.has_perm("materials.add_material")
        centre = user_centre(viewer=request.user)
        if centre is None:
            raise PermissionDenied(_("Your scope holds no innovation centre."))
    else:
        can_change = _can_change(request, material)
        centre = material.centre
    form = MaterialForm(request.POST or None, request.FILES or None, instance=material, viewer=request.user)
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            edited: Material = form.save(commit=False)
            edited.centre = centre
            try:
                services.material_save(
                    viewer=request.user,
                    material=edited,
                    expected_version=form.edited_version(),
                    age_bands=form.cleaned_data["age_bands"],
                    uploaded_file=form.cleaned_data.get("file"),
                    note=form.cleaned_data.get("note", ""),
                )
            except ValidationError as error:
                form.add_save_error(error)
                if error_codes(error) & CONFLICT_CODES:
                    status = 409
            else:
                messages.success(request, _("The material was saved."))
                return redirect("materials:material_detail", pk=edited.pk)
    context = {"material": material, "form": form, "can_change": can_change}
    return render(request, "materials/form.html", context, status=status)


def _detail(request: HttpRequest, material: Material, form: VersionForm | None, status: int = 200) -> HttpResponse:
    can_change = _can_change(request, material) and request.user.has_perm("materials.add_materialversion")
    context = {
        "material": material,
        "versions": list(material.files.select_related("uploaded_by").order_by("-number")),
        "bands": _bands(material),
        "licence_link": rules.LICENCE_LINKS.get(material.licence, ""),
        "can_change": can_change,
        "form": (form or VersionForm()) if can_change else None,
        "public_link": material.visibility == MaterialVisibility.PUBLIC,
    }
    return render(request, "materials/detail.html", context, status=status)


def _visible(request: HttpRequest, pk: int) -> Material:
    material: Material = scoped_object(request, Material.objects.select_related("module", "current", "centre"), pk=pk)
    return material


@permission_required("materials.view_material", raise_exception=True)
def material_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A material: its metadata, its versions (each downloadable), and a new version's upload for its centre."""
    return _detail(request, _visible(request, pk), None)


@permission_required("materials.add_materialversion", raise_exception=True)
def version_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a new file of a material: its next version, which becomes the current one."""
    material = _visible(request, pk)
    if not _can_change(request, material):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("materials:material_detail", pk=pk)
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.material_version_add(
                viewer=request.user,
                material=material,
                uploaded_file=form.cleaned_data["file"],
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error)]:
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Version %d was uploaded; it is now the current one.") % version.number)
            return redirect("materials:material_detail", pk=pk)
    return _detail(request, material, form, status=400)


def serve(version: MaterialVersion) -> FileResponse:
    """The file of a version as a download: its stored name, the content type of its checked kind, nosniff."""
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=version.filename, content_type=rules.content_type(version.kind)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("materials.view_material", raise_exception=True)
def material_download_view(request: HttpRequest, pk: int) -> FileResponse:
    """The current file of a material (counted as a download)."""
    material = _visible(request, pk)
    if material.current is None:
        raise Http404
    response = serve(material.current)
    services.material_download_record(material=material)
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("materials.view_material", raise_exception=True)
def version_download_view(request: HttpRequest, pk: int, number: int) -> FileResponse:
    """Any version's file of a material; counted as a download only when it is the current version."""
    material = _visible(request, pk)
    version: MaterialVersion = scoped_object(request, MaterialVersion, material=material, number=number)
    response = serve(version)
    if version.pk == material.current_id:
        services.material_download_record(material=material)
    response["Cache-Control"] = "private, no-store"
    return response


# --- public pages (no sign-in)


@login_not_required
def public_list_view(request: HttpRequest, lang: str) -> HttpResponse:
    """The public materials with search and filters, in the URL's language; each with its download link."""
    lang = url_language(lang)
    form = PublicMaterialFilter(request.GET or None, language=lang)
    chosen = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.materials_for(viewer=AnonymousUser(), filters=chosen), PUBLIC_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "material": material,
            "module": material.module.name(lang) if material.module else "",
            "bands": _bands(material),
            "licence_link": rules.LICENCE_LINKS.get(material.licence, ""),
        }
        for material in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "rows": rows, "page": page, "query": query.urlencode()}
    return render_in(request, lang, "materials/public_list.html", context, prefix=PREFIX)


@login_not_required
def public_download_view(request: HttpRequest, lang: str, pk: int) -> FileResponse:
    """A public material's current file (counted); a teachers-only one is not found here, signed in or not."""
    url_language(lang)
    # The public rule whoever asks (a teachers-only material is not found here, signed in or not).
    material = get_object_or_404(selectors.materials_for(viewer=AnonymousUser()), pk=pk)
    if material.current is None:
        raise Http404
    response = serve(material.current)
    services.material_download_record(material=material)
    return response

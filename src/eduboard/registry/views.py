"""Pages of the registry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from eduboard.core.exports import Column
from eduboard.core.views import FilteredListView
from eduboard.registry.filters import InstitutionFilter
from eduboard.registry.models import Institution


class InstitutionListView(LoginRequiredMixin, PermissionRequiredMixin, FilteredListView):
    """Institutions in the user's scope, filtered, sorted, paginated, exportable."""

    permission_required = "registry.view_institution"
    filterset_class = InstitutionFilter
    template_name = "registry/institution_list.html"
    partial_template_name = "registry/partials/institution_table.html"
    sort_fields = {"name": "name", "type": "type", "registration_number": "registration_number"}
    default_sort = "name"
    export_filename = "institutions"
    export_columns = [
        Column(_("Name"), lambda i: i.name),
        Column(_("Short name"), lambda i: i.short_name),
        Column(_("Type"), lambda i: i.get_type_display()),
        Column(_("Registration number"), lambda i: i.registration_number),
    ]

    def get_base_queryset(self) -> QuerySet[Any]:
        return Institution.objects.visible_to(self.request.user)


class InstitutionDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """One institution; a user outside its scope gets 404, as if it did not exist."""

    permission_required = "registry.view_institution"
    template_name = "registry/institution_detail.html"
    context_object_name = "institution"

    def get_queryset(self) -> QuerySet[Institution]:
        return Institution.objects.visible_to(self.request.user)

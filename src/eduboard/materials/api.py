"""The teaching materials' API: read-only routes of the centre's materials (list and detail) with their current
file's description. Every signed-in user reads every material (teachers-only ones too), as on the library's page;
the files themselves are downloaded from the pages, where each download is counted."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from eduboard.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet
from eduboard.materials.filters import MaterialApiFilter
from eduboard.materials.models import Material


class MaterialSerializer(ScopedModelSerializer):
    """A teaching material: what it is, for whom, who may see it, and its current file (none before the first)."""

    centre = serializers.SlugRelatedField(slug_field="registration_number", read_only=True)  # type: ignore[var-annotated]
    module = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    age_bands = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)  # type: ignore[var-annotated]
    # the current file (null before the first): its version, name, kind (checked from its content) and size
    file_version = serializers.IntegerField(source="current.number", read_only=True, allow_null=True)
    file_name = serializers.CharField(source="current.filename", read_only=True, allow_null=True)
    file_kind = serializers.CharField(source="current.kind", read_only=True, allow_null=True)
    file_size = serializers.IntegerField(source="current.size", read_only=True, allow_null=True, help_text="bytes")

    class Meta:
        model = Material
        fields = [
            "id", "centre", "title", "description", "module", "age_bands", "subject", "language", "licence",
            "author", "visibility", "downloads", "file_version", "file_name", "file_kind", "file_size", "updated_at",
            "version",
        ]  # fmt: skip
        read_only_fields = fields


class MaterialViewSet(ScopedReadOnlyViewSet):
    """The teaching materials, by title in the Latvian alphabet; the library's search and filters."""

    serializer_class = MaterialSerializer
    filterset_class = MaterialApiFilter
    queryset = Material.objects.select_related("centre", "module", "current").prefetch_related("age_bands")
    ordering_fields = ["title", "subject", "downloads", "updated_at"]
    ordering_aliases = {"title": "sort_title"}
    ordering = ["sort_title", "pk"]


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("materials/materials", MaterialViewSet, basename="material")

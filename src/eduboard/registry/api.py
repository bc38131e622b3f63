"""API of the registry."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from eduboard.registry.filters import InstitutionFilter
from eduboard.registry.models import Institution


class InstitutionSerializer(serializers.ModelSerializer):
    """An institution as the API shows it."""

    class Meta:
        model = Institution
        fields = ["id", "name", "short_name", "type", "registration_number"]


class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    """Institutions in the caller's scope."""

    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    ordering_fields = ["name", "type", "registration_number"]
    ordering = ["name"]
    queryset = Institution.objects.all()

    def get_queryset(self) -> QuerySet[Institution]:
        return Institution.objects.visible_to(self.request.user)

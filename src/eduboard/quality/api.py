"""The quality area's API: viewsets registered on the project's router, and the stats view."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""

"""The competitions' API: read-only routes of the centre's robotics competitions and their teams (list and detail),
scoped to the caller as the pages are (the centre's staff their centre's, a city school's head also their school's
teams, the board all).

A team's members are children: the API gives their number, as the team pages do, never their names or ages; the
coach's contact is what the teams page shows (name and e-mail, not the phone). A list of teams is written to the
audit trail with its row count (core.audit_policy: competitions.Team)."""

from __future__ import annotations

from django.db.models import Count
from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from eduboard.competitions.filters import CompetitionApiFilter, TeamFilter
from eduboard.competitions.models import Competition, Team
from eduboard.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet


class CompetitionSerializer(ScopedModelSerializer):
    """A robotics competition of the centre, its disciplines and the number of teams registered."""

    centre = serializers.SlugRelatedField(slug_field="registration_number", read_only=True)  # type: ignore[var-annotated]
    disciplines = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)  # type: ignore[var-annotated]
    team_count = serializers.IntegerField(read_only=True, help_text="teams registered")

    class Meta:
        model = Competition
        fields = [
            "id", "centre", "code", "title_lv", "title_en", "title_ru", "date", "place", "disciplines",
            "registration_open", "published", "team_count", "version",
        ]  # fmt: skip
        read_only_fields = fields


class CompetitionViewSet(ScopedReadOnlyViewSet):
    """The centre's competitions, the newest first."""

    serializer_class = CompetitionSerializer
    filterset_class = CompetitionApiFilter
    queryset = (
        Competition.objects.select_related("centre").prefetch_related("disciplines").annotate(team_count=Count("teams"))
    )
    ordering_fields = ["date", "title_lv", "code", "team_count"]
    ordering = ["-date", "code"]


class TeamSerializer(ScopedModelSerializer):
    """A team registered for a discipline: its school, robot, robot check and the number of its members."""

    competition = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    discipline = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    school = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="registration_number", read_only=True, allow_null=True
    )
    member_count = serializers.SerializerMethodField(help_text="the team's members (children: no names are given)")

    class Meta:
        model = Team
        fields = [
            "id", "competition", "discipline", "name", "school", "school_name", "member_count", "robot",
            "coach_name", "coach_email", "seed", "mass_g", "width_mm", "length_mm", "height_mm", "robot_check",
            "check_note", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_member_count(self, team: Team) -> int:
        return len(team.members or [])


class TeamViewSet(ScopedReadOnlyViewSet):
    """Every team the caller may see, with its coach's contact (as the teams page)."""

    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    queryset = Team.objects.select_related("competition", "discipline", "school")
    ordering_fields = ["competition", "name", "school_name", "robot_check", "seed"]
    ordering_aliases = {"competition": "competition__date"}
    ordering = ["competition__date", "competition__code", "discipline__code", "seed", "name"]


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("competitions/competitions", CompetitionViewSet, basename="competition")
    router.register("competitions/teams", TeamViewSet, basename="team")

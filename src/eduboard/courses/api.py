"""The courses' API: read-only routes of the centre's courses for teachers and their participants (list and detail),
scoped to the caller as the pages are (the centre's staff their centre's, a city school's head also their school's
teachers' participations, the board all).

A participant is shown as the participants page shows them: name, school and certificate; never their e-mail nor
the key of the certificate's public verification page."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.routers import DefaultRouter

from eduboard.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet
from eduboard.courses.filters import CourseApiFilter, ParticipantApiFilter
from eduboard.courses.models import Course, Participant


class CourseSerializer(ScopedModelSerializer):
    """A course for teachers: its hours, dates, places, lecturer and the attendance a certificate needs."""

    centre = serializers.SlugRelatedField(slug_field="registration_number", read_only=True)  # type: ignore[var-annotated]
    module = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # type: ignore[var-annotated]
    requirement = serializers.PrimaryKeyRelatedField(  # type: ignore[var-annotated]
        read_only=True, allow_null=True, help_text="the training requirement a city teacher's hours count toward"
    )

    class Meta:
        model = Course
        fields = [
            "id", "centre", "code", "title", "module", "hours", "starts_on", "ends_on", "places", "lecturer",
            "required_percent", "requirement", "registration_open", "version",
        ]  # fmt: skip
        read_only_fields = fields


class CourseViewSet(ScopedReadOnlyViewSet):
    """The centre's courses, the newest first."""

    serializer_class = CourseSerializer
    filterset_class = CourseApiFilter
    queryset = Course.objects.select_related("centre", "module")
    ordering_fields = ["starts_on", "title", "code", "hours"]
    ordering = ["-starts_on", "code"]


class ParticipantSerializer(ScopedModelSerializer):
    """A teacher registered for a course (a city teacher by their staff record), and their certificate."""

    course = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]
    staff_member = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # type: ignore[var-annotated]
    school = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="registration_number", read_only=True, allow_null=True
    )

    class Meta:
        model = Participant
        fields = [
            "id", "course", "name", "staff_member", "school", "school_name", "certificate_number", "certified_on",
            "version",
        ]  # fmt: skip
        read_only_fields = fields


class ParticipantViewSet(ScopedReadOnlyViewSet):
    """Every participant the caller may see: the centre's, or a city school head's own teachers."""

    serializer_class = ParticipantSerializer
    filterset_class = ParticipantApiFilter
    queryset = Participant.objects.select_related("course", "school")
    ordering_fields = ["name", "school_name", "certified_on", "course"]
    ordering_aliases = {"course": "course__starts_on"}
    ordering = ["-course__starts_on", "course__code", "name"]


def register(router: DefaultRouter) -> None:
    """Register this area's viewsets on the project's API router."""
    router.register("courses/courses", CourseViewSet, basename="course")
    router.register("courses/participants", ParticipantViewSet, basename="participant")

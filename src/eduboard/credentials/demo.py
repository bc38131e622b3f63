"""Demonstration data of the verifiable certificates: the credential of every certificate the demonstration data
gives (the courses' as they are certified; here the robotics championship's, as its certificates PDF would issue
them), signed with the demonstration centre's key in `CREDENTIAL_KEYS_DIR`."""

from __future__ import annotations

from django.utils import timezone

from eduboard.competitions.models import Competition
from eduboard.core.scope import WHOLE_CITY
from eduboard.credentials.services import competition_credentials_issue


def load() -> int:
    """The credentials of the competitions held by today (idempotent); how many certificates have theirs."""
    held = Competition.objects.filter(date__lte=timezone.localdate()).order_by("pk")
    return sum(len(competition_credentials_issue(viewer=WHOLE_CITY, competition=c)) for c in held)  # all final

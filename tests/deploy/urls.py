"""The site's URLs and one view that fails the way a real write can: a database error quoting the child's data."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from eduboard.registry.models import Learner
from eduboard.urls import urlpatterns as site_urlpatterns


@login_not_required  # a stand-in for a page's failing write; signing in is not what these tests are about
def failing_learner_write_view(request: HttpRequest, code: str) -> HttpResponse:
    """Write the posted learner twice without a birth date: PostgreSQL quotes the whole row in its error."""
    fields: dict[str, Any] = {"birth_date": None}
    with transaction.atomic():
        Learner.objects.create(
            personal_code=code, first_name=request.POST["first_name"], last_name=request.POST["last_name"], **fields
        )
    return HttpResponse()


@login_not_required
def failing_duplicate_code_view(request: HttpRequest, code: str) -> HttpResponse:
    """Write a learner whose personal code is taken: PostgreSQL quotes the code in its error."""
    with transaction.atomic():
        Learner.objects.create(
            personal_code=code,
            first_name=request.POST["first_name"],
            last_name=request.POST["last_name"],
            birth_date=request.POST["birth_date"],
        )
    return HttpResponse()


urlpatterns = [
    path("deploy-test/learners/<str:code>/no-birth-date/", failing_learner_write_view),
    path("deploy-test/learners/<str:code>/duplicate/", failing_duplicate_code_view),
    *site_urlpatterns,
]

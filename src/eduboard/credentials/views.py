"""The centre's staff's page of the verifiable certificates: issuing a competition's credentials once its results
are final (a button on the competition's page). Thin: the rules are in `credentials.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eduboard.competitions.models import Competition
from eduboard.core.views import scoped_object
from eduboard.credentials import services


@permission_required("competitions.change_competition", raise_exception=True)
@require_POST
def competition_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the credential of every certificate of the competition; its certificates PDF then carries each one's
    QR code. Refused, with the reason, while the results are not final."""
    competition = scoped_object(request, Competition, editing=True, pk=pk)
    try:
        issued = services.competition_credentials_issue(viewer=request.user, competition=competition)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%d certificates have their verifiable credentials.") % len(issued))
    return redirect("competitions:competition_detail", pk=pk)

"""The public verification page of a course certificate (no sign-in; Latvian, Russian, English), reached by the QR
code on the certificate: whether certificate number N is valid, with its holder's name, the course, its hours and
the date. Nothing else about the person; an unknown key is a friendly 404. Not for search engines."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from eduboard.core.public import render_in, url_language
from eduboard.courses import selectors

PREFIX = "/centre/"


@login_not_required
@never_cache
def verify_view(request: HttpRequest, lang: str, key: str) -> HttpResponse:
    lang = url_language(lang)
    participant = selectors.certificate(key)
    context = {"participant": participant, "course": participant.course if participant else None}
    status = 200 if participant is not None else 404
    response = render_in(request, lang, "courses/verify.html", context, prefix=PREFIX, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response

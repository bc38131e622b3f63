"""The verifiable certificates' public pages (no sign-in; Latvian, Russian, English): a credential's page by its
random key (the key of the paper certificate's QR code) with its verification and its downloads, the verification
of any credential pasted or uploaded, and the JSON a verifier dereferences: the issuer's profile with its public
keys, and each key's JWK. Not for search engines.

Rate limited per address block (an IPv6 /64, an IPv4 /24: `core.addresses.address_block`), counted in the database
(`core.public.over_limit`): a block's verifications an hour (CREDENTIAL_CHECKS_PER_HOUR, default 30), of them the
ones that compare a holder's name (CREDENTIAL_NAME_CHECKS_PER_HOUR, default 10: the page is no fast oracle for
guessing names), and its opened credential pages and downloads (CREDENTIAL_PAGES_PER_HOUR, default 120). Beyond a
limit the answer is 429 for the rest of the hour. The issuer's profile and the keys are not limited: verifiers
elsewhere fetch them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from eduboard.core.public import client_block, over_limit, render_in, url_language
from eduboard.credentials import openbadges, selectors
from eduboard.credentials.forms import VerifyForm
from eduboard.credentials.models import Credential

PREFIX = "/centre/"

# The limits' defaults (per address block, an hour); each is a setting of the same name.
CREDENTIAL_CHECKS_PER_HOUR = 30
CREDENTIAL_NAME_CHECKS_PER_HOUR = 10
CREDENTIAL_PAGES_PER_HOUR = 120
_DEFAULTS = {
    "CREDENTIAL_CHECKS_PER_HOUR": CREDENTIAL_CHECKS_PER_HOUR,
    "CREDENTIAL_NAME_CHECKS_PER_HOUR": CREDENTIAL_NAME_CHECKS_PER_HOUR,
    "CREDENTIAL_PAGES_PER_HOUR": CREDENTIAL_PAGES_PER_HOUR,
}


def _over(request: HttpRequest, setting: str) -> bool:
    """One more try of the client's address block at what the setting `setting` limits; whether it goes over that
    limit in the hour."""
    limit = int(getattr(settings, setting, _DEFAULTS[setting]))
    return over_limit(setting.lower(), client_block(request), limit=limit, seconds=3600)


def _too_many(lang: str) -> HttpResponse:
    with translation.override(lang):
        text = _("Too many requests from your network in an hour; try again later.")
    return HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    return response


def _json(document: dict[str, Any], content_type: str) -> JsonResponse:
    response = JsonResponse(document, content_type=content_type, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"  # a verifier's page elsewhere may fetch the public keys
    return response


@login_not_required
@never_cache
def credential_view(request: HttpRequest, lang: str, key: str) -> HttpResponse:
    """A credential's page: valid or not (verified now, as any verifier would), what it is, its downloads."""
    lang = url_language(lang)
    if _over(request, "CREDENTIAL_PAGES_PER_HOUR"):
        limited: dict[str, Any] = {"credential": None, "limited": True}
        return _noindex(render_in(request, lang, "credentials/credential.html", limited, prefix=PREFIX, status=429))
    credential = selectors.credential_by_key(key)
    verification = selectors.credential_verify(token=credential.jwt) if credential else None
    context = {"credential": credential, "verification": verification}
    status = 200 if credential is not None else 404
    return _noindex(render_in(request, lang, "credentials/credential.html", context, prefix=PREFIX, status=status))


def _credential(lang: str, key: str) -> Credential:
    url_language(lang)
    credential = selectors.credential_by_key(key)
    if credential is None:
        raise Http404
    return credential


@login_not_required
@never_cache
def credential_jwt_view(request: HttpRequest, lang: str, key: str) -> HttpResponse:
    """The signed credential as issued: the compact JWT (what a wallet or a verifier takes)."""
    if _over(request, "CREDENTIAL_PAGES_PER_HOUR"):
        return _too_many(url_language(lang))
    credential = _credential(lang, key)
    response = HttpResponse(credential.jwt, content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.key}.jwt"'
    return _noindex(response)


@login_not_required
@never_cache
def credential_json_view(request: HttpRequest, lang: str, key: str) -> HttpResponse:
    """The credential's JSON-LD, decoded from its JWT (to read; the signature is in the .jwt)."""
    if _over(request, "CREDENTIAL_PAGES_PER_HOUR"):
        return _too_many(url_language(lang))
    credential = _credential(lang, key)
    document = openbadges.without_claims(selectors.credential_payload(credential))
    response = HttpResponse(openbadges.pretty(document), content_type="application/ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.key}.json"'
    return _noindex(response)


@login_not_required
@never_cache
def verify_view(request: HttpRequest, lang: str) -> HttpResponse:
    """Anyone pastes or uploads a credential: valid (issuer, achievement, date) or not, and why; and, when a name is
    typed, whether it is the holder's. Every verification counts against the address block, and every name compared
    against its name checks; beyond either the page answers 429 and checks nothing more for the hour."""
    lang = url_language(lang)
    form = VerifyForm(request.POST or None, request.FILES or None)
    verification, name_matches, status = None, None, 200
    if request.method == "POST":
        with translation.override(lang):
            if _over(request, "CREDENTIAL_CHECKS_PER_HOUR"):
                form.add_error(None, _("Too many checks from your network in an hour; try again later."))
                status = 429
            elif form.is_valid():
                verification = selectors.credential_verify(token=form.cleaned_data["credential"])
                name = form.cleaned_data.get("name")
                if verification.valid and name:
                    if _over(request, "CREDENTIAL_NAME_CHECKS_PER_HOUR"):
                        form.add_error(
                            "name", _("Too many names checked from your network in an hour; try again later.")
                        )
                        status = 429
                    else:
                        name_matches = verification.names_holder(name)
    context = {"form": form, "verification": verification, "name_matches": name_matches}
    return _noindex(render_in(request, lang, "credentials/verify.html", context, prefix=PREFIX, status=status))


@login_not_required
def issuer_view(request: HttpRequest, lang: str, centre_id: int) -> HttpResponse:
    """The issuer's Open Badges profile (its id is this address) with its public keys as a JWKS."""
    url_language(lang)
    document = selectors.issuer_document(centre_id)
    if document is None:
        raise Http404
    return _json(document, "application/ld+json")


@login_not_required
def key_view(request: HttpRequest, lang: str, kid: str) -> HttpResponse:
    """A public key as its JWK: what the `kid` of a credential's JWT dereferences to."""
    url_language(lang)
    jwk = selectors.signing_key_jwk(kid)
    if jwk is None:
        raise Http404
    return _json(jwk, "application/jwk+json")

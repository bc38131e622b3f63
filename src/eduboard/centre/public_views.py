"""The centre's public pages, no sign-in, in Latvian, Russian and English (the language is in the URL, and each
page links to itself in the other two): the catalogue of published activities with filters, an activity with its
free slots, booking a slot (a honeypot and a limit per address block against bots, counted in the database; the
places are held by `services.booking_create`, never more than the slot has, and a large group, a school beyond its
share, a day beyond the page's share or an address block beyond its places of the day waits as `requested` for the
centre), the teacher's own booking page with its cancel button, a card's points by its number and the secret code
printed on it (no name; wrong codes limited per address block, and per card from one block, so nobody elsewhere
can lock a card), and a sitemap of every page in every language. An address counts by its block (an IPv6 /64, an
IPv4 /24: `core.addresses.address_block`). Nothing personal is shown here
but the teacher's own booking, behind its random link."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from eduboard.centre import services
from eduboard.centre.choices import CARD_TRIES_PER_CARD_HOUR, CARD_TRIES_PER_HOUR, LANGUAGES, BookingStatus
from eduboard.centre.filters import CatalogueFilter
from eduboard.centre.forms import BookingForm, CardLookupForm
from eduboard.centre.models import Activity, Booking, Card, PointEntry, Prize, Slot
from eduboard.centre.rules import can_cancel, card_code_matches, slot_fits
from eduboard.centre.selectors import card_total, catalogue_activities, open_slots, published_activities
from eduboard.core.figures_cache import cached_figures
from eduboard.core.public import client_address, client_block, language_links, over_limit, render_in, url_language
from eduboard.registry.models import Institution

_language = url_language
PREFIX = "/centre/"


def _page(request: HttpRequest, lang: str, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render_in(request, lang, template, context, prefix=PREFIX, status=status)


def _published() -> Any:
    return published_activities()


@login_not_required
def catalogue_root_view(request: HttpRequest) -> HttpResponse:
    return redirect("centre_catalogue", lang="lv")


@login_not_required
def catalogue_view(request: HttpRequest, lang: str) -> HttpResponse:
    """The catalogue of published activities in the URL's language, filtered by module, age band, language and a
    date with slots, each marked with its free times. Kept rendered by `catalogue_page` until the centre's data
    changes or the quarter of an hour ends (the free times are counted from its start)."""
    lang = _language(lang)
    with translation.override(lang):
        html = catalogue_page(lang=lang, query=request.GET.urlencode()[:500], now=_quarter_hour())
    response = HttpResponse(html)
    response["Content-Language"] = lang
    return response


def _quarter_hour() -> datetime:
    """Now, to the quarter of an hour before: the moment the catalogue's free times are counted from (a slot begun
    within it still shows as free, and booking it says it has begun)."""
    now = timezone.now()
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


@cached_figures("innovation")
def catalogue_page(*, lang: str, query: str, now: datetime) -> str:
    """The catalogue page for a language, a filter and a quarter of an hour (`now`), cached under the `innovation`
    area's generation (`core.figures_cache`: renewed after every committed write of the area's tables, so never
    stale). Each activity says whether it has free times and the first one, or that its times are full."""
    form = CatalogueFilter(QueryDict(query) if query else None, language=lang)
    chosen = form.cleaned_data if form.is_valid() else {}
    rows = [
        {
            "activity": a,
            "title": a.title(lang),
            "module": a.module.name(lang),
            "bands": ", ".join(str(b) for b in a.age_bands.all()),
            "languages": ", ".join(code.upper() for code in a.language_codes()),
        }
        for a in catalogue_activities(
            now=now, module=chosen.get("module"), age_band=chosen.get("age"), language=chosen.get("language"),
            on=chosen.get("date"),
        )
    ]  # fmt: skip
    path = f"{PREFIX}{lang}/" + (f"?{query}" if query else "")
    return render_to_string(
        "innovation/public/catalogue.html",
        {"form": form, "rows": rows, "lang": lang, "languages": language_links(path, prefix=PREFIX, lang=lang)},
    )


@login_not_required
def activity_view(request: HttpRequest, lang: str, code: str) -> HttpResponse:
    """An activity and its slots to come (not begun) with the places still free."""
    lang = _language(lang)
    activity = get_object_or_404(_published(), code=code[:40])
    context = {
        "activity": activity,
        "title": activity.title(lang),
        "description": getattr(activity, f"description_{lang}", "") or activity.description_lv,
        "module": activity.module.name(lang),
        "bands": ", ".join(str(b) for b in activity.age_bands.all()),
        "slots": open_slots(activity_id=activity.pk, now=timezone.now()),
    }
    return _page(request, lang, "innovation/public/activity.html", context)


def _too_many(request: HttpRequest) -> bool:
    return over_limit("centre-booking", client_block(request), limit=settings.CENTRE_BOOKINGS_PER_HOUR, seconds=3600)


def _request_from(form: BookingForm) -> services.BookingRequest:
    data = form.cleaned_data
    name = " ".join(data["school_name"].split())
    school = Institution.objects.active_now().filter(name__iexact=name).first()  # a city school: linked
    return services.BookingRequest(
        school_name=name,
        municipality=data["municipality"],
        contact_name=data["contact_name"],
        email=data["email"],
        phone=data["phone"],
        group_size=data["group_size"],
        grade=data["grade"],
        language=data["language"],
        special_needs=data["special_needs"],
        school=school,
    )


def _mail_booking(request: HttpRequest, booking: Booking, lang: str, subject: str) -> None:
    """The teacher's e-mail (through the task queue): what was booked and the personal link."""
    with translation.override(lang):
        link = request.build_absolute_uri(reverse("centre_booking", kwargs={"lang": lang, "token": booking.token}))
        body = render_to_string(
            "innovation/public/booking_mail.txt",
            {"booking": booking, "link": link, "title": booking.slot.activity.title(lang)},
        )
        send_mail(str(subject), body, settings.DEFAULT_FROM_EMAIL, [booking.email])


def _group_asked(form: BookingForm) -> int:
    """The group size the teacher typed, when it is a valid one (else a group of one); read after the form was
    checked, whatever the other fields' or the booking's errors."""
    size: int = getattr(form, "cleaned_data", {}).get("group_size") or 1
    return size


@login_not_required
@never_cache
def book_view(request: HttpRequest, lang: str, slot_id: int) -> HttpResponse:
    """Book a slot. The waiting list is offered only while the slot has too few free places for the group asked
    (for a group of one before one is typed); a refused group is shown the form again to correct it and book,
    and a group the slot has places for is never put on the waiting list (`services.waiting_list_join`)."""
    lang = _language(lang)
    slot = get_object_or_404(
        Slot.objects.select_related("activity__module").filter(activity__published=True), pk=slot_id
    )
    languages = slot.activity.language_codes()
    status, waiting = 200, False
    with translation.override(lang):
        form = BookingForm(
            request.POST or None, languages=languages, initial={"language": lang if lang in languages else languages[0]}
        )
        if request.method == "POST":
            if form.is_bot():
                raise Http404  # a honeypot filled in: say nothing useful
            if _too_many(request):
                form.add_error(None, _("Too many bookings from this address in an hour; call the centre."))
                status = 429
            elif form.is_valid():
                wanted = _request_from(form)
                try:
                    if request.POST.get("action") == "wait":
                        services.waiting_list_join(slot=slot, request=wanted)
                        waiting = True
                    else:
                        booking = services.booking_create(slot=slot, request=wanted, address=client_address(request))
                        subject = (
                            _("Your booking request at the Innovation Centre")
                            if booking.status == BookingStatus.REQUESTED
                            else _("Your booking at the Innovation Centre")
                        )
                        _mail_booking(request, booking, lang, subject)
                        return redirect("centre_booking", lang=lang, token=booking.token)
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                    status = 409 if getattr(error, "code", "") in {"full", "has_places"} else 400
            else:
                status = 400
    slot.refresh_from_db()
    context = {
        "slot": slot,
        "title": slot.activity.title(lang),
        "form": form,
        # a group too large for the places left can be made smaller and booked
        "can_book": slot_fits(places=slot.places, booked=slot.booked),
        "offer_waiting": not slot_fits(places=slot.places, booked=slot.booked, group_size=_group_asked(form)),
        "waiting": waiting,
        "confirm_over": slot.activity.confirm_group_over,
    }
    return _page(request, lang, "innovation/public/book.html", context, status)


@login_not_required
@never_cache
def booking_view(request: HttpRequest, lang: str, token: str) -> HttpResponse:
    """The teacher's own booking, by its random link: see it, and cancel it until 48 hours before."""
    lang = _language(lang)
    booking = get_object_or_404(Booking.objects.select_related("slot__activity"), token=token[:40])
    error = ""
    if request.method == "POST":
        with translation.override(lang):
            try:
                booking = services.booking_cancel_by_teacher(token=booking.token)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                _mail_booking(request, booking, lang, _("Your booking at the Innovation Centre is cancelled"))
    context = {
        "booking": booking,
        "title": booking.slot.activity.title(lang),
        "can_cancel": can_cancel(booking),
        "error": error,
    }
    response = _page(request, lang, "innovation/public/booking.html", context, 400 if error else 200)
    response["X-Robots-Tag"] = "noindex"
    return response


def _card_shown(request: HttpRequest, form: CardLookupForm) -> tuple[Card | None, str]:
    """The card whose number and secret code were given, or None and why not. Every try counts against the
    address block, and against the card's number tried from that block (atomically, in the database): past either
    limit the page shows that block nothing for the rest of the hour, even with the right code. Tries from other
    blocks are counted apart, so a stranger's wrong codes never keep the holder out. A wrong number and a wrong code
    get the same answer."""
    block = client_block(request)
    if over_limit("centre-card", block, limit=CARD_TRIES_PER_HOUR, seconds=3600):
        return None, "limit"
    if not form.is_valid():
        return None, "form"
    number = form.cleaned_data["number"]
    if over_limit("centre-card-number", f"{block} {number}", limit=CARD_TRIES_PER_CARD_HOUR, seconds=3600):
        return None, "limit"
    card = Card.objects.filter(number=number).first()
    if card_code_matches(card, form.cleaned_data["code"]):
        return card, ""
    return None, "wrong"


@login_not_required
@never_cache
def card_view(request: HttpRequest, lang: str) -> HttpResponse:
    """A card's points by its number and the secret code printed on it: the total, the tasks done and the prizes
    reached; no name, ever. Asked for by POST, so the code stays out of addresses and logs."""
    lang = _language(lang)
    card, problem, entries, total, prizes = None, "", [], 0, []
    with translation.override(lang):
        number = "".join(ch for ch in request.GET.get("number", "") if ch.isdigit())[:12]
        form = CardLookupForm(request.POST or None, initial={"number": number})
        if request.method == "POST":
            card, problem = _card_shown(request, form)
    if card is not None:
        entries = list(PointEntry.objects.filter(card=card).order_by("-recorded_at")[:50])
        total = card_total(card=card)
        prizes = [(p, p.points <= total, getattr(p, f"name_{lang}", "") or p.name_lv) for p in Prize.objects.all()]
    context = {"form": form, "card": card, "problem": problem, "entries": entries, "total": total, "prizes": prizes}
    status = {"limit": 429, "wrong": 404, "form": 400}.get(problem, 200)
    response = _page(request, lang, "innovation/public/card.html", context, status)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def sitemap_view(request: HttpRequest) -> HttpResponse:
    """Every public page of the centre in each language, with the other languages as alternates."""
    paths = [reverse("centre_catalogue", kwargs={"lang": "LANG"})] + [
        reverse("centre_activity", kwargs={"lang": "LANG", "code": code})
        for code in Activity.objects.filter(published=True).order_by("code").values_list("code", flat=True)
    ]
    base = request.build_absolute_uri("/").rstrip("/")
    xml = render_to_string(
        "innovation/public/sitemap.xml",
        {
            "pages": [[(lang, base + path.replace("LANG", lang)) for lang in LANGUAGES] for path in paths],
        },
    )
    return HttpResponse(xml, content_type="application/xml")

"""Visitor cards that cannot be counted: random 10-digit numbers with a Luhn check digit (a mistyped digit is caught
at the exhibit), a secret code printed on the card and kept only as a salted hash, and a public page that shows a
card's points and history only with that code, limited per address block and per card from one block, so that a
stranger's wrong codes keep nobody else out."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from random import Random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client

from eduboard.accounts.roles import Role
from eduboard.centre import rules, services
from eduboard.centre.choices import CARD_TRIES_PER_CARD_HOUR, CARD_TRIES_PER_HOUR
from eduboard.centre.models import Card, PointEntry
from tests.centre.test_innovation import make_centre
from tests.factories import UserFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def cards_world(db: None) -> dict[str, object]:
    centre = make_centre()
    staff = UserFactory(role=Role.CENTRE_STAFF, institutions=[centre])
    cards = services.cards_issue(viewer=staff, centre=centre, count=40, school_name="Zinātņu vidusskola")
    return {"centre": centre, "staff": staff, "cards": cards}


def test_numbers_are_random_ten_digits_with_a_check_digit(cards_world: dict) -> None:
    numbers = sorted(card.number for card in cards_world["cards"])
    assert len(set(numbers)) == 40 and all(len(n) == 10 and n[0] != "0" for n in numbers)
    assert all(rules.card_number_well_formed(n) for n in numbers)
    gaps = {int(b) - int(a) for a, b in pairwise(numbers)}
    assert min(gaps) > 1000  # no sequence: one card's number tells nothing of the next
    assert Card.objects.filter(number__in=numbers).count() == 40


def test_the_check_digit_catches_a_mistyped_digit_and_most_swaps() -> None:
    number = rules.new_card_number(Random(1))
    for position in range(10):
        for digit in "0123456789":
            if digit != number[position]:
                assert not rules.card_number_well_formed(number[:position] + digit + number[position + 1 :])
    swapped = [
        number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        for i in range(9)
        if number[i] != number[i + 1] and {number[i], number[i + 1]} != {"0", "9"}
    ]
    assert swapped and not any(rules.card_number_well_formed(s) for s in swapped)
    assert rules.luhn_digit("7992739871") == "3"  # the textbook example


def test_a_mistyped_number_is_refused_at_the_exhibit(cards_world: dict) -> None:
    number = cards_world["cards"][0].number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as typo:
        services.points_record(viewer=cards_world["staff"], card=wrong, task="Mikroskops", points=5)
    assert typo.value.code == "typo"
    entry = services.points_record(viewer=cards_world["staff"], card=f"{number[:5]} {number[5:]}", task="X", points=5)
    assert entry.card.number == number


def test_the_code_is_printed_once_and_stored_only_as_a_hash(cards_world: dict) -> None:
    card = cards_world["cards"][0]
    assert len(card.code) == 9 and card.code[4] == "-"
    stored = Card.objects.get(pk=card.pk)
    assert stored.code == "" and card.code.replace("-", "") not in stored.code_hash
    assert rules.card_code_matches(stored, card.code)
    assert rules.card_code_matches(stored, card.code.lower().replace("-", " "))
    assert not rules.card_code_matches(stored, cards_world["cards"][1].code)
    assert not rules.card_code_matches(None, card.code)
    codes = {c.code for c in cards_world["cards"]}
    assert len(codes) == 40
    printed = render_to_string("innovation/cards_pdf.html", {"cards": [(card, "")], "centre": cards_world["centre"]})
    assert card.number in printed and card.code in printed


def test_the_public_page_shows_points_only_with_the_cards_code(cards_world: dict) -> None:
    card = cards_world["cards"][0]
    services.points_record(viewer=cards_world["staff"], card=card.number, task="Gravitācijas tornis", points=17)
    client = Client()
    asked = client.get(f"/centre/lv/card/?number={card.number}")
    assert asked.status_code == 200 and "Gravitācijas" not in asked.content.decode()
    assert card.number in asked.content.decode()  # the number from the QR link is filled in
    other_code = cards_world["cards"][1].code
    for data in ({"number": card.number}, {"number": card.number, "code": other_code}):
        refused = client.post("/centre/lv/card/", data)
        assert refused.status_code in (400, 404) and "Gravitācijas" not in refused.content.decode()
    unknown = client.post("/centre/lv/card/", {"number": "1234567897", "code": card.code})
    wrong = client.post("/centre/lv/card/", {"number": card.number, "code": other_code})
    assert unknown.status_code == wrong.status_code == 404  # an unknown number and a wrong code look alike
    shown = client.post("/centre/en/card/", {"number": card.number, "code": card.code})
    text = shown.content.decode()
    assert shown.status_code == 200 and "Gravitācijas tornis" in text and "17" in text
    assert "Zinātņu" not in text and shown["X-Robots-Tag"] == "noindex"


def test_wrong_codes_are_limited_per_card_from_one_block_and_the_holder_elsewhere_is_not_kept_out(
    cards_world: dict,
) -> None:
    card, other = cards_world["cards"][0], cards_world["cards"][1]
    PointEntry.objects.create(card=card, task="Ūdens filtrs", points=9)
    # A household's IPv6 /64 with a new address for every try counts as one block: after 10 wrong codes for the card
    # the block is shown nothing of it for the hour, even with the right code.
    for n in range(CARD_TRIES_PER_CARD_HOUR):
        attacker = Client(REMOTE_ADDR=f"2001:db8:5:6::{n + 1:x}")
        assert attacker.post("/centre/lv/card/", {"number": card.number, "code": other.code}).status_code == 404
    from_the_block = Client(REMOTE_ADDR="2001:db8:5:6:ffff::1")
    locked = from_the_block.post("/centre/lv/card/", {"number": card.number, "code": card.code})
    assert locked.status_code == 429 and "Ūdens" not in locked.content.decode()
    assert from_the_block.post("/centre/lv/card/", {"number": other.number, "code": other.code}).status_code == 200
    # Strangers at 30 other addresses, each of another block, try wrong codes: the holder still sees the card.
    for n in range(30):
        Client(REMOTE_ADDR=f"198.18.{n}.9").post("/centre/lv/card/", {"number": card.number, "code": other.code})
    holder = Client(REMOTE_ADDR="192.0.2.77").post("/centre/lv/card/", {"number": card.number, "code": card.code})
    assert holder.status_code == 200 and "Ūdens" in holder.content.decode()
    # One block trying many numbers is limited too: 30 tries an hour.
    counter = Client(REMOTE_ADDR="10.2.0.1")
    numbers = [rules.new_card_number(Random(n)) for n in range(CARD_TRIES_PER_HOUR)]
    assert all(counter.post("/centre/lv/card/", {"number": n, "code": "AAAA-AAAA"}).status_code == 404 for n in numbers)
    limited = Client(REMOTE_ADDR="10.2.0.99").post("/centre/lv/card/", {"number": other.number, "code": other.code})
    assert limited.status_code == 429 and "Tasks done" not in limited.content.decode()


def test_a_card_issued_before_codes_keeps_its_number_but_shows_nothing_publicly(cards_world: dict) -> None:
    old = Card.objects.create(centre=cards_world["centre"], number="100001", issued_on=date(2025, 10, 1))
    services.points_record(viewer=cards_world["staff"], card="100001", task="Tirgus spēle", points=8)
    assert old.points.count() == 1  # the printed number still collects points
    for code in ("", "AAAA-AAAA", "-"):
        answer = Client().post("/centre/lv/card/", {"number": "100001", "code": code})
        assert answer.status_code in (400, 404) and "Tirgus" not in answer.content.decode()


def test_cards_are_issued_only_by_the_centres_staff(cards_world: dict) -> None:
    head = UserFactory(role=Role.INSTITUTION_HEAD)
    with pytest.raises(PermissionDenied):
        services.cards_issue(viewer=head, centre=cards_world["centre"], count=1)
    assert Card.objects.count() == 40

"""The readiness report's sentences on interest education that seed 002 writes beside its figures: the festival the
city's creative collectives prepare for (sections I.3 and VI), the share of permanent posts and the published
teaching materials (section I.3).

As in `reports.sentences`: every sentence is a catalogue template with its numbers as parameters, and a number with
a noun is an `N`/`NP` text whose form the catalogue's plural rule chooses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.core.declension import decline_name
from eduboard.reports import sentences
from eduboard.reports.content import NP, L, N, T, Text, V, number

Block = dict[str, Any]


def paragraph(text: Text) -> Block:
    return {"type": "paragraph", "text": text}


def collectives_of_kind(kind: str, count: int) -> Text:
    """ "17 deju grupas", "1 pūtēju orķestris": a number of collectives of one kind (interest.models.CollectiveKind);
    each form a literal call, so that makemessages finds it."""
    if kind == "dance_group":
        return NP("festival collectives", "%(count)s dance group", "%(count)s dance groups", count)
    if kind == "mixed_choir":
        return NP("festival collectives", "%(count)s mixed choir", "%(count)s mixed choirs", count)
    if kind == "school_choir":
        return NP(
            "festival collectives",
            "%(count)s basic or secondary school choir",
            "%(count)s basic or secondary school choirs",
            count,
        )
    if kind == "girls_choir":
        return NP("festival collectives", "%(count)s girls' choir", "%(count)s girls' choirs", count)
    if kind == "wind_orchestra":
        return NP("festival collectives", "%(count)s wind orchestra", "%(count)s wind orchestras", count)
    if kind == "vocal_ensemble":
        return NP("festival collectives", "%(count)s vocal ensemble", "%(count)s vocal ensembles", count)
    if kind == "folk_group":
        return NP("festival collectives", "%(count)s folk group", "%(count)s folk groups", count)
    return NP("festival collectives", "%(count)s other collective", "%(count)s other collectives", count)


def from_institutions(count: int) -> Text:
    """ "no 7 izglītības iestādēm": the institutions a number of collectives come from."""
    return NP("festival", "from %(count)s institution", "from %(count)s institutions", count)


def festival(found: dict[str, Any]) -> list[Block]:
    """Seed 002, I.3 and VI: "XIII Latvijas Skolu jaunatnes dziesmu un deju svētkiem kopumā gatavojas 60 radošie
    kolektīvi no 11 izglītības iestādēm un Daugavpils Vienības nama, 1350 dalībnieki"; then the collectives by kind:
    "17 deju grupas no 7 pilsētas izglītības iestāžu kolektīviem ... 2 jauktie kori un 5 pamatskolu un vidusskolu
    kori un S.Broka Daugavpils Mūzikas vidusskolas meiteņu koris ... Daugavpils Iespēju vidusskolas pūtēju
    orķestris" (interest.selectors.festival_figures)."""
    params = {
        "collectives": NP(
            "festival collectives",
            "%(count)s creative collective",
            "%(count)s creative collectives",
            found["collectives"],
        ),
        "institutions": from_institutions(found["institutions"]),
        "participants": NP(
            "festival participants", "%(count)s participant", "%(count)s participants", found["participants"]
        ),
        "festival": L(found["festival_names"]) if found.get("festival_names") else found["festival"],
        "year": found["year"],
    }
    if found["bodies"]:
        # "… no 11 izglītības iestādēm un Daugavpils Vienības nama": the Latvian template names the other bodies in
        # the genitive (core.declension's suggestion: a body is a name, not an institution with cases of its own).
        total = T(
            _(
                # xgettext:no-python-format
                "In all, %(collectives)s %(institutions)s and from %(bodies)s, %(participants)s, are preparing for "
                "“%(festival)s” (%(year)s)."
            ),
            bodies=list(found["bodies"]),
            bodies_genitive=[decline_name(body, "genitive") for body in found["bodies"]],
            **params,
        )
    else:
        total = T(
            _(
                "In all, %(collectives)s %(institutions)s, %(participants)s, are preparing for “%(festival)s” "
                "(%(year)s)."
            ),
            **params,
        )
    kinds = []
    for kind, of_kind in found["by_kind"].items():
        collectives = collectives_of_kind(kind, of_kind["collectives"])
        if of_kind["institutions"] == 1:
            kinds.append(T(_("%(collectives)s (%(names)s)"), collectives=collectives, names=list(of_kind["names"])))
        else:
            kinds.append(
                T(
                    _("%(collectives)s %(institutions)s"),
                    collectives=collectives,
                    institutions=from_institutions(of_kind["institutions"]),
                )
            )
    blocks = [paragraph(total)]
    if kinds:
        # The kinds as a list after their lead-in, as a long enumeration is written (reports.sentences.paragraph).
        blocks.append(sentences.paragraph(T(_("The collectives preparing by kind:")), lines=kinds))
    return blocks


def permanent_posts(*, permanent: int, employments: int, share: Decimal | None) -> Block:
    """Seed 002, I.3: "Pastāvīgais darbs BJC “Jaunība” ir 84% darbiniekiem"
    (people.selectors.employment_terms_figures)."""
    return paragraph(
        T(
            _(
                "%(share)s of the posts in interest education institutions are permanent (%(permanent)s of "
                "%(employments)s); the others are fixed-term."
            ),
            share=V(number(share), "%"),
            permanent=permanent,
            employments=employments,
        )
    )


def published_materials(count: int) -> Block:
    """Seed 002, I.3: "BJC "Jaunība" mājaslapā ir pieejams 21 metodiskais materiāls (nodarbību apraksts), kurus
    Daugavpils vispārizglītojošo skolu pedagogi varēs izmantot" (materials.selectors.published_materials)."""
    return paragraph(
        N(
            "%(count)s teaching material (lesson description) published by interest education institutions is "
            "available to the city's teachers for their lessons.",
            "%(count)s teaching materials (lesson descriptions) published by interest education institutions are "
            "available to the city's teachers for their lessons.",
            count,
        )
    )

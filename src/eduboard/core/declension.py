"""Latvian names in the case a sentence needs: "pievienojot to Daugavpils Centra vidusskolai", "Daugavpils Stropu
pamatskolā-attīstības centrā", "Rēzeknes valstspilsētas Izglītības pārvalde".

A name of an institution or a municipality ends in its head noun ("vidusskola", "iestāde", "centrs", "novads",
"valstspilsēta"); the words before it are genitives and adjectives that do not change ("Daugavpils Draudzīgā
aicinājuma vidusskola", "Augšdaugavas novads"). A place's own name is one noun ("Rīga", "Daugavpils", "Cēsis",
"Līvāni"). The regular endings decline as the noun's declension does:

| nominative            | genitive | dative | locative | examples                                            |
|-----------------------|----------|--------|----------|-----------------------------------------------------|
| -a (4th)              | -as      | -ai    | -ā       | vidusskola, valstspilsēta, Rīga, Jelgava, Ulbroka   |
| -e (5th)              | -es      | -ei    | -ē       | iestāde, Rēzekne, Aizkraukle, Ogre, Mārupe          |
| -s (1st)              | -a       | -am    | -ā       | centrs, tehnikums, novads, Tukums                   |
| -š (1st)              | -a       | -am    | -ā       | (1st declension on -š)                              |
| -us (3rd)             | -us      | -um    | -ū       | Saldus                                              |
| -pils (6th, feminine) | -pils    | -pilij | -pilī    | Daugavpils, Ventspils, Jēkabpils, Salaspils         |
| -i (plural, masc.)    | -u       | -iem   | -os      | Līvāni, Talsi, Ādaži, Preiļi, Saulkrasti, Varakļāni |
| -as (plural, fem.)    | -u       | -ām    | -ās      | Pļaviņas                                            |

A few words no ending tells apart are written out (`WORDS`: "Cēsis" is a 6th declension plural, Cēsu / Cēsīm /
Cēsīs, where most words on -is are 2nd declension singulars).

A name in quotes keeps its form (BJC "Jaunība" → BJC "Jaunība"): only the noun before the quote declines
("Bērnu un jauniešu centrs “Jaunība”" → "centra “Jaunība”"). A hyphenated head declines in both its parts
("pamatskola-attīstības centrs" → "pamatskolā-attīstības centrā"). Abbreviations (PII, BJC) and words with an
ending the table does not know (e.g. -is, whose genitive changes the consonant: "ansamblis" → "ansambļa"; -es
plurals, "egles" → "egļu") are left as they are: the suggestion is then the nominative, which the board corrects
on the institution's form.

The forms are suggestions: an institution keeps its own (registry.Institution.name_genitive/_dative/_locative),
filled from here when left blank and editable by the board; a board's names are suggested from its
municipality's genitive (registry.boards.suggested_names).
"""

from __future__ import annotations

import re
from typing import NamedTuple

CASES = ("genitive", "dative", "locative")

#: Nominative ending → (genitive, dative, locative) endings, longest first.
ENDINGS: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("pils", ("pils", "pilij", "pilī")),  # 6th declension: "pils" and the towns named after one
    ("us", ("us", "um", "ū")),
    ("as", ("u", "ām", "ās")),  # a feminine plural: no singular noun of ours ends in -as
    ("a", ("as", "ai", "ā")),
    ("e", ("es", "ei", "ē")),
    ("i", ("u", "iem", "os")),  # a masculine plural (after a consonant: `_PLURAL_I`)
    ("š", ("a", "am", "ā")),
    ("s", ("a", "am", "ā")),
)

#: Endings the table cannot decline by rule (the genitive of -is changes the consonant: "ansamblis" → "ansambļa";
#: an -es plural's too: "egles" → "egļu").
IRREGULAR = ("is", "ss", "es")

#: Words whose forms no ending tells (lower case → genitive, dative, locative).
WORDS: dict[str, tuple[str, str, str]] = {
    "cēsis": ("cēsu", "cēsīm", "cēsīs"),  # 6th declension plural, not a 2nd declension singular on -is
}

_VOWELS = frozenset("aeiouāēīū")

#: Where a quoted name begins: everything from the first opening quote on keeps its form (quotes may nest:
#: “Daugavpils Dizaina un mākslas vidusskola “Saules skola””).
QUOTE = re.compile(r"\s[\"“„«]")


class NameCases(NamedTuple):
    genitive: str
    dative: str
    locative: str


def decline_word(word: str, case: str) -> str:
    """One noun in a case (`case` is one of CASES); a word the rules do not know is left as it is."""
    index = CASES.index(case)
    lower = word.lower()
    if not word or word.isupper() or not word[-1].isalpha():
        return word
    if lower in WORDS:
        return word[0] + WORDS[lower][index][1:]  # the word's own first letter: "Cēsis" → "Cēsu"
    if lower.endswith(IRREGULAR):
        return word
    for ending, forms in ENDINGS:
        if lower.endswith(ending) and (len(word) > len(ending) + 1 or ending == "pils"):
            if ending == "i" and lower[-2] in _VOWELS:  # -ai, -ei, …: no plural noun's nominative
                return word
            return word[: -len(ending)] + forms[index]
    return word


def _decline_head(head: str, case: str) -> str:
    """The head noun in `case`; both parts of a hyphenated head ("pamatskola-attīstības centrs": the last word
    and the noun before the hyphen)."""
    words = head.split(" ")
    # The last word declines in every part ("vidusskola-licejs" → "vidusskolas-liceja"); an earlier hyphenated
    # word in its first part only ("pamatskola-attīstības centrs": "attīstības" is a genitive already).
    words[-1] = "-".join(decline_word(part, case) for part in words[-1].split("-"))
    for position, word in enumerate(words[:-1]):
        if "-" in word:
            first, _sep, rest = word.partition("-")
            words[position] = f"{decline_word(first, case)}-{rest}"
    return " ".join(words)


def decline_name(name: str, case: str) -> str:
    """An institution's name in `case` by the regular endings: quoted names unchanged, the noun before them
    declined."""
    text = name.strip()
    if not text:
        return text
    if text[0] in '"“„«':
        return text
    quoted = QUOTE.search(text)
    if quoted:
        return _decline_head(text[: quoted.start()], case) + text[quoted.start() :]
    return _decline_head(text, case)


def suggest_cases(name: str) -> NameCases:
    """The genitive, dative and locative suggested for `name` (see the module's table)."""
    return NameCases(*(decline_name(name, case) for case in CASES))

"""Latvian names in the case a sentence needs: "pievienojot to Daugavpils Centra vidusskolai", "Daugavpils Stropu
pamatskolā-attīstības centrā".

A name of an institution ends in its head noun ("vidusskola", "iestāde", "centrs", "tehnikums"); the words before
it are genitives and adjectives that do not change ("Daugavpils Draudzīgā aicinājuma vidusskola"). The regular
endings decline as the noun's declension does:

| nominative | genitive | dative | locative | examples                                   |
|------------|----------|--------|----------|--------------------------------------------|
| -a         | -as      | -ai    | -ā       | vidusskola, pamatskola, ģimnāzija          |
| -e         | -es      | -ei    | -ē       | iestāde, akadēmija's "-e" words            |
| -s (1st)   | -a       | -am    | -ā       | centrs, tehnikums, licejs, nams            |
| -š         | -a       | -am    | -ā       | (1st declension on -š)                     |
| -us        | -us      | -um    | -ū       | (3rd declension)                           |

A name in quotes keeps its form (BJC "Jaunība" → BJC "Jaunība"): only the noun before the quote declines
("Bērnu un jauniešu centrs “Jaunība”" → "centra “Jaunība”"). A hyphenated head declines in both its parts
("pamatskola-attīstības centrs" → "pamatskolā-attīstības centrā"). Abbreviations (PII, BJC) and words with an
ending the table does not know (e.g. -is, whose genitive changes the consonant) are left as they are: the
suggestion is then the nominative, which the board corrects on the institution's form.

The forms are suggestions: an institution keeps its own (registry.Institution.name_genitive/_dative/_locative),
filled from here when left blank and editable by the board.
"""

from __future__ import annotations

import re
from typing import NamedTuple

CASES = ("genitive", "dative", "locative")

#: Nominative ending → (genitive, dative, locative) endings, longest first.
ENDINGS: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("us", ("us", "um", "ū")),
    ("a", ("as", "ai", "ā")),
    ("e", ("es", "ei", "ē")),
    ("š", ("a", "am", "ā")),
    ("s", ("a", "am", "ā")),
)

#: Endings the table cannot decline by rule (the genitive of -is changes the consonant: "ansamblis" → "ansambļa").
IRREGULAR = ("is", "ss")

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
    if not word or word.isupper() or not word[-1].isalpha() or lower.endswith(IRREGULAR):
        return word
    for ending, forms in ENDINGS:
        if lower.endswith(ending) and len(word) > len(ending) + 1:
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

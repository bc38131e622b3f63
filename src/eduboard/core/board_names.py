"""The board's and the council's names in each language a report is written in: the settings `BOARD_NAME`,
`BOARD_NAME_GENITIVE`, `COUNCIL_NAME`, `COUNCIL_NAME_GENITIVE` (Latvian) and the same with `_EN` and `_RU`
(docs/operations.md). They are proper names, so they are settings rather than translations in the catalogue."""

from __future__ import annotations

from django.conf import settings

from eduboard.core.translated import FALLBACK, TEXT_LANGUAGES, current_language

#: What a report may name, and the setting that holds it in Latvian.
NAMES = {
    "board": "BOARD_NAME",
    "board_genitive": "BOARD_NAME_GENITIVE",
    "council": "COUNCIL_NAME",
    "council_genitive": "COUNCIL_NAME_GENITIVE",
}


def board_names(language: str | None = None) -> dict[str, str]:
    """The board's and the council's names in `language` (the active one by default): `board`, `board_genitive`,
    `council`, `council_genitive`. A genitive not set is the language's name; a language's name not set, the
    Latvian one."""
    code = current_language(language)
    found = {}
    for key, setting in NAMES.items():
        found[key] = str(getattr(settings, setting, "") or "")
        if code != FALLBACK:
            own = str(getattr(settings, f"{setting}_{code.upper()}", "") or "")
            if not own and key.endswith("_genitive"):
                own = str(getattr(settings, f"{NAMES[key.removesuffix('_genitive')]}_{code.upper()}", "") or "")
            found[key] = own or found[key]
    return found


def board_names_in_languages() -> dict[str, dict[str, str]]:
    """Each of `board_names`' names in every language of TEXT_LANGUAGES: {"board": {"lv": …, "en": …, "ru": …}, …},
    for content written once and read in each language (a report's header)."""
    by_language = {code: board_names(code) for code in TEXT_LANGUAGES}
    return {key: {code: by_language[code][key] for code in TEXT_LANGUAGES} for key in NAMES}

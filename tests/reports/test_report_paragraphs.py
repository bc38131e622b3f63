"""Every paragraph the Latvian readiness report writes on the demonstration data, word for word as docs/reports.md
gives it ("The Latvian report's paragraphs on the demonstration data"): the text an official reads and signs."""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from eduboard.core.scope import WHOLE_CITY
from eduboard.reports.present import present
from eduboard.reports.readiness import build_readiness

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reports.md"
HEADING = "### The Latvian report's paragraphs on the demonstration data"
# Seed 002's dates: the report on 20.08.2024, the schools' pupils and the staff on 19.08, the money on 14.08.
DATES = {"general": date(2024, 8, 19), "staff": date(2024, 8, 19), "money": date(2024, 8, 14)}


def expected_paragraphs() -> list[str]:
    """The docs' paragraphs: each `- ` line a paragraph, each `  - ` line an item of the list after it."""
    text = DOCS.read_text(encoding="utf-8")
    block = text.split(HEADING, 1)[1]
    fenced = re.search(r"```text\n(.*?)```", block, re.S)
    assert fenced, "docs/reports.md: the paragraphs are in a ```text block after the heading"
    return [line.rstrip() for line in fenced.group(1).splitlines() if line.strip()]


def written_paragraphs(content: dict[str, Any]) -> list[str]:
    with translation.override("lv"):
        presentation = present(content)
    lines = []
    for section in presentation.sections:
        for block in section.blocks:
            if block.type == "paragraph" and block.text:
                lines.append(f"- {block.text}")
                lines += [f"  - {line}" for line in block.lines]
    return lines


@pytest.fixture(scope="module")
def content(demo: None, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return build_readiness(as_of=date(2024, 8, 20), visible_to=WHOLE_CITY, dates=DATES)


def test_every_paragraph_reads_as_the_docs_give_it(content: dict[str, Any]) -> None:
    written, expected = written_paragraphs(content), expected_paragraphs()
    diff = "\n".join(difflib.unified_diff(expected, written, "docs/reports.md", "the report", lineterm=""))
    assert written == expected, f"The report's paragraphs differ from the docs':\n{diff}"


def test_no_paragraph_names_a_label_or_a_code(content: dict[str, Any]) -> None:
    """A sentence never opens with a label ("Pašvaldības budžets: …"), nor carries a code or an English word."""
    for line in written_paragraphs(content):
        text = line.lstrip(" -")
        assert not re.match(r"^[^ ]+( [^ ]+)?: ", text), text
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
        assert not re.search(r"\b(the|of|and|in|is|are|was|were)\b", text), text

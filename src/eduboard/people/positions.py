"""The standard position kinds that files name by code (created by migration 0002, and here on demand)."""

from __future__ import annotations

from typing import Any

# code, name (Latvian, as stored), pedagogical
STANDARD_POSITIONS: list[tuple[str, str, bool]] = [
    ("preschool_teacher", "Pirmsskolas izglītības skolotājs", True),
    ("subject_teacher", "Mācību priekšmeta skolotājs", True),
    ("speech_therapist", "Logopēds", True),
    ("psychologist", "Izglītības psihologs", True),
    ("special_educator", "Speciālais pedagogs", True),
    ("assistant", "Skolotāja palīgs", False),
    ("librarian", "Bibliotekārs", False),
    ("head", "Vadītājs (direktors)", True),
    ("deputy_head", "Vadītāja vietnieks", True),
    # The innovation centre's organisers of educational activities lead its lessons: pedagogical work (seed 002).
    ("education_organiser", "Izglītojošo nodarbību organizators", True),
    ("other", "Cits amats", False),
]


def ensure_standard_positions(model: Any = None) -> None:
    """Create the standard position kinds that are missing (keeps the board's own edits)."""
    translate = model is None  # migration 0002 passes a historical model without the translations
    if model is None:
        from eduboard.people.models import PositionKind as model
    for code, name, pedagogical in STANDARD_POSITIONS:
        model.objects.get_or_create(code=code, defaults={"name": name, "is_pedagogical": pedagogical})
    if translate:
        from eduboard.people import reference_texts

        reference_texts.fill()

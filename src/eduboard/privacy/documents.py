"""The privacy area's documents: a subject-access answer as a PDF for the parent (in the answer's language) and the
record of processing as HTML or PDF. The PDF is WeasyPrint's print of the same HTML."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from eduboard.privacy.models import AccessRequest


def answer_html(request: AccessRequest) -> str:
    """The answer as one HTML document in its own language."""
    with translation.override(request.language):
        return render_to_string("privacy/answer_document.html", {"request": request, "answer": request.answer})


def answer_pdf(request: AccessRequest) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=answer_html(request)).write_pdf())


def records_html(records: dict[str, Any]) -> str:
    """The record of processing and the DPIA template as one HTML document (the caller's language)."""
    return render_to_string("privacy/records_document.html", {"records": records})


def records_pdf(records: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=records_html(records)).write_pdf())

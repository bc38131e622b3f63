"""QR codes printed in PDF documents (visitor cards, device labels, certificates)."""

from __future__ import annotations

import base64
import io


def qr_png_base64(text: str) -> str:
    """A QR code of `text` as base64 PNG for an <img> of a document's HTML (WeasyPrint): error correction level M,
    4 px modules, a one-module border."""
    import segno  # only the views that print documents need it

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=4, border=1)
    return base64.b64encode(buffer.getvalue()).decode()

"""Charts of the report as images (SVG for the PDF and the HTML file, PNG for the DOCX), drawn with matplotlib.

The page draws the same charts in the browser (Chart.js); documents get images because WeasyPrint and
Word do not run scripts. matplotlib's Agg backend is used, with no window and no global pyplot state,
so charts can be drawn from several threads.

An SVG chart keeps its labels as text (`svg.fonttype: none`), in the documents' font (DejaVu Sans), instead of
one path per glyph: WeasyPrint spent most of a PDF's time drawing those glyph paths (a `<use>` of a parsed
path for every letter of every label), and as text the labels can be searched and read aloud, in the PDF too.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from eduboard.reports.present import Chart

matplotlib.rcParams["svg.fonttype"] = "none"  # labels as text, not glyph paths (see above); SVG output only

PALETTE = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f"]
MAX_BARS = 20


def _wrapped(label: str, width: int = 38) -> str:
    """A long label on several lines, never cut off: every word of it stays readable."""
    return textwrap.fill(label, width=width, break_long_words=False, break_on_hyphens=False) or label


def chart_image(chart: Chart, *, fmt: str = "svg", dpi: int = 110) -> bytes:
    """The chart as a horizontal bar chart image; at most MAX_BARS bars, the largest ones. The same chart is drawn
    once per process: a report's PDF, DOCX and HTML files, and its editions, draw the same charts again."""
    return _drawn(fmt, dpi, tuple(chart.labels), tuple((name, tuple(data)) for name, data in chart.series), chart.unit)


@lru_cache(maxsize=256)
def _drawn(
    fmt: str, dpi: int, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], unit: str = ""
) -> bytes:
    if len(labels) > MAX_BARS:
        first = series[0][1]
        keep = sorted(range(len(labels)), key=lambda index: first[index], reverse=True)[:MAX_BARS]
        keep.sort()
        labels = [labels[index] for index in keep]
        series = [(name, [data[index] for index in keep]) for name, data in series]
    lines = sum(_wrapped(label).count("\n") + 1 for label in labels)
    height = 0.9 + 0.32 * max(lines, len(labels) * max(len(series), 1) ** 0.5)
    figure = Figure(figsize=(7.0, min(max(height, 1.8), 9.0)), layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(labels)))
    bar = 0.8 / max(len(series), 1)
    for index, (name, data) in enumerate(series):
        offsets = [position - 0.4 + bar * (index + 0.5) for position in positions]
        axes.barh(offsets, data, height=bar, label=name, color=PALETTE[index % len(PALETTE)])
    axes.set_yticks(positions, [_wrapped(label) for label in labels], fontsize=8)
    axes.invert_yaxis()
    axes.tick_params(axis="x", labelsize=8)
    if unit:
        axes.set_xlabel(unit, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(fontsize=8, frameon=False)
    out = io.BytesIO()
    figure.savefig(out, format=fmt, dpi=dpi)
    return out.getvalue()


def forget_drawn_charts() -> None:
    """Forget the charts drawn so far in this process: a benchmark times each build as a new process makes it."""
    _drawn.cache_clear()


def chart_data_uri(chart: Chart) -> str:
    """The chart as an SVG data URI, for an <img> in the HTML file's page (the PDF's page gets the SVG itself:
    `renderers.print_presentation`)."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart_image(chart, fmt="svg")).decode("ascii")

"""Trend charts drawn on the server with matplotlib, as SVG: no script in the page, and the same
figures are always in a table beside the chart for anyone who cannot see it."""

from __future__ import annotations

import base64
import io
from decimal import Decimal

from matplotlib import rc_context
from matplotlib.figure import Figure

GOVUK_BLUE = "#1d70b8"
GOVUK_GREY = "#505a5f"
GOVUK_BLACK = "#0b0c0c"


def trend_svg(
    points: list[tuple[str, int | Decimal | str | None]], *, target: Decimal | None = None
) -> str:
    """A bar per period; a suppressed or missing figure is left out; the target as a line."""
    figure = Figure(figsize=(6.4, 2.6), dpi=100)
    axes = figure.add_subplot()
    labels = [label.replace(" Q", "\nQ") for label, _ in points]
    heights = [float(value) if isinstance(value, (int, Decimal)) else 0.0 for _, value in points]
    bars = axes.bar(range(len(points)), heights, color=GOVUK_BLUE)
    for bar, (_, value) in zip(bars, points, strict=True):
        if not isinstance(value, (int, Decimal)):
            bar.set_alpha(0)
            axes.annotate(
                "c" if value == "c" else "–",
                (bar.get_x() + bar.get_width() / 2, 0),
                ha="center",
                va="bottom",
                color=GOVUK_GREY,
            )
    if target is not None:
        axes.axhline(float(target), color=GOVUK_BLACK, linestyle="--", linewidth=1.5)
        axes.annotate(
            "target", (len(points) - 0.5, float(target)), ha="right", va="bottom", fontsize=8
        )
    axes.set_xticks(range(len(points)), labels, fontsize=7)
    axes.tick_params(axis="y", labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def as_data_uri(svg: str) -> str:
    """An `<img>` source: keeps the chart's own styles out of the page (and its CSP)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

"""Trend charts drawn on the server with matplotlib, as SVG: no script in the page, and the same
figures are always in a table beside the chart for anyone who cannot see it.

Drawing one takes matplotlib tens of milliseconds, and a report has a chart per measure, so each
chart is kept in Django's cache under the figures it draws: the same figures are never drawn
twice, and new figures are a new key (nothing to invalidate).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from decimal import Decimal

from django.core.cache import cache
from matplotlib import rc_context
from matplotlib.figure import Figure

from commissioning.metrics.catalogue import METRICS, Counting, Unit

GOVUK_BLUE = "#1d70b8"
GOVUK_GREY = "#505a5f"
GOVUK_BLACK = "#0b0c0c"
# In the SVG's own units (points, each 4/3 of a CSS pixel at the drawn size). The page never
# shrinks a chart below its drawn size (it scrolls in its own region instead), so no text is
# ever smaller than 12 px on screen.
FONT_SIZE = 12
# Monthly trends have 24 bars: a label under each would overlap, so every third is labelled.
LABEL_EVERY_AFTER = 12
INCHES = (7.2, 3.4)
# The drawn size in CSS pixels (96 to the inch), for the page's <img width height>.
WIDTH_PX, HEIGHT_PX = (round(side * 96) for side in INCHES)
# Part of every key: change it when the drawing changes, so no chart drawn the old way is served.
TREND_KIND = "trend-1"
# A cached chart is only ever replaced by the same drawing, so it never goes stale; the timeout
# only bounds how long a shared cache holds figures nobody asks for any more.
CACHE_SECONDS = 60 * 60 * 24

Point = tuple[str, int | Decimal | str | None]


def trend_chart(
    points: list[Point],
    *,
    axis_title: str,
    target: Decimal | None = None,
    scale: int = 1,
) -> str:
    """The trend chart of these figures as an `<img>` source, drawn only if it is not cached."""
    key = chart_key(TREND_KIND, points, axis_title, target, scale)
    uri: str | None = cache.get(key)
    if uri is None:
        uri = as_data_uri(trend_svg(points, axis_title=axis_title, target=target, scale=scale))
        cache.set(key, uri, CACHE_SECONDS)
    return uri


def chart_key(kind: str, points: list[Point], *inputs: object) -> str:
    """A hash of everything the chart is drawn from, each figure with its type: a count of 5,
    an amount of 5.00 and a suppressed "c" are different bars."""
    figures = [[label, type(value).__name__, str(value)] for label, value in points]
    drawn_from = json.dumps([kind, figures, [str(value) for value in inputs]])
    return "chart:" + hashlib.sha256(drawn_from.encode()).hexdigest()


def trend_svg(
    points: list[Point],
    *,
    axis_title: str,
    target: Decimal | None = None,
    scale: int = 1,
) -> str:
    """A bar per period; a suppressed or missing figure is left out; the target as a line.
    `scale` divides every figure (1,000 for an axis of £ thousands)."""
    figure = Figure(figsize=INCHES, dpi=100)
    axes = figure.add_subplot()
    labels = [label.replace(" Q", "\nQ").replace(" ", "\n") for label, _ in points]
    heights = [
        float(value) / scale if isinstance(value, (int, Decimal)) else 0.0 for _, value in points
    ]
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
                fontsize=FONT_SIZE,
            )
    if target is not None:
        axes.axhline(float(target) / scale, color=GOVUK_BLACK, linestyle="--", linewidth=1.5)
        axes.annotate(
            "target",
            (len(points) - 0.5, float(target) / scale),
            ha="right",
            va="bottom",
            fontsize=FONT_SIZE,
        )
    every = 3 if len(points) > LABEL_EVERY_AFTER else 1
    shown = range(0, len(points), every)
    axes.set_xticks(list(shown), [labels[i] for i in shown], fontsize=FONT_SIZE)
    axes.set_xticks(range(len(points)), minor=True)
    axes.tick_params(axis="y", labelsize=FONT_SIZE)
    axes.set_ylabel(axis_title, fontsize=FONT_SIZE)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def axis(metric: str) -> tuple[str, int]:
    """The value axis's title with its unit, and what each figure is divided by for it."""
    found = METRICS[metric]
    if found.unit == Unit.MONEY:
        return "£ thousands", 1_000
    if found.unit == Unit.PERCENT:
        return "Per cent (%)", 1
    if found.unit == Unit.NIGHTS:
        return "Number of nights", 1
    source = found.source()
    if source.counting == Counting.CHILDREN:
        return "Number of children", 1
    return f"Number of {source.rows.model._meta.verbose_name_plural}", 1


def as_data_uri(svg: str) -> str:
    """An `<img>` source: keeps the chart's own styles out of the page (and its CSP)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

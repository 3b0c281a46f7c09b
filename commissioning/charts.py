"""Trend charts drawn on the server as plain SVG from a template: no script in the page, and the
same figures are always in a table beside the chart for anyone who cannot see it.

They were drawn by matplotlib, tens of milliseconds a chart and a chart per measure: the first
request for a report's figures took seconds, and under load most requests were a first
(docs/performance.md, pages under load). The template draws a chart in well under a millisecond.
Each is still kept in Django's cache under the figures it draws, which costs nothing to check:
new figures are a new key (nothing to invalidate).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from decimal import Decimal

from django.core.cache import cache
from django.template.loader import render_to_string

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
TREND_KIND = "trend-3"
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


# Room in points around the plot: the value labels and the axis title on the left, two lines of
# period labels under it.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 66.0, 10.0, 14.0, 38.0
LINE_HEIGHT = 14.0
BAR_SHARE = 0.8
# The value axis: about this many steps, each 1, 2, 2.5 or 5 times a power of ten.
TICKS = 5


def trend_svg(
    points: list[Point],
    *,
    axis_title: str,
    target: Decimal | None = None,
    scale: int = 1,
) -> str:
    """A bar per period; a suppressed or missing figure is a mark, not a bar; the target as a
    dashed line. `scale` divides every figure (1,000 for an axis of £ thousands)."""
    width, height = INCHES[0] * 72, INCHES[1] * 72
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    values = [
        float(value) / scale if isinstance(value, (int, Decimal)) else None for _, value in points
    ]
    scaled_target = None if target is None else float(target) / scale
    step, ceiling = _value_axis(max([v for v in values if v is not None] + [scaled_target or 0]))

    def y_of(value: float) -> float:
        return bottom - value / ceiling * (bottom - top)

    slot = (right - left) / max(len(points), 1)
    every = 3 if len(points) > LABEL_EVERY_AFTER else 1
    bars = []
    for index, ((label, value), scaled) in enumerate(zip(points, values, strict=True)):
        lines = label.replace(" Q", "\nQ").replace(" ", "\n").split("\n")
        bars.append(
            {
                "x": _pt(left + slot * (index + (1 - BAR_SHARE) / 2)),
                "centre": _pt(left + slot * (index + 0.5)),
                "y": None if scaled is None else _pt(y_of(scaled)),
                "height": None if scaled is None else _pt(bottom - y_of(scaled)),
                "mark": "c" if value == "c" else "–",
                "label_lines": [
                    {"text": line, "y": _pt(bottom + LINE_HEIGHT * (number + 1))}
                    for number, line in enumerate(lines)
                ]
                if index % every == 0
                else [],
            }
        )
    steps = round(ceiling / step)
    return render_to_string(
        "commissioning/charts/trend.svg",
        {
            "width": _pt(width),
            "height": _pt(height),
            "left": _pt(left),
            "right": _pt(right),
            "top": _pt(top),
            "bottom": _pt(bottom),
            "tick_x": _pt(left - 5),
            "title_x": _pt(FONT_SIZE + 2),
            "middle_y": _pt((top + bottom) / 2),
            "baseline_text_y": _pt(bottom - 3),
            "bar_width": _pt(slot * BAR_SHARE),
            "bars": bars,
            "ticks": [
                {"y": _pt(y_of(step * n)), "label": _tick_label(step * n)}
                for n in range(steps + 1)
            ],
            "target_y": None if scaled_target is None else _pt(y_of(scaled_target)),
            "target_label_y": None if scaled_target is None else _pt(y_of(scaled_target) - 3),
            "axis_title": axis_title,
            "font_size": FONT_SIZE,
            "blue": GOVUK_BLUE,
            "grey": GOVUK_GREY,
            "black": GOVUK_BLACK,
        },
    )


def _value_axis(highest: float) -> tuple[float, float]:
    """The step between the value axis's labels and its top, a whole number of steps at or above
    the highest figure."""
    if highest <= 0:
        return 1.0, float(TICKS)
    rough = highest / TICKS
    power = 10 ** math.floor(math.log10(rough))
    step = next(power * factor for factor in (1, 2, 2.5, 5, 10) if power * factor >= rough)
    return step, math.ceil(highest / step - 1e-9) * step


def _tick_label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _pt(value: float) -> str:
    return f"{value:.1f}"


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

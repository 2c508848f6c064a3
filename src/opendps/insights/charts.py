"""Bar charts as inline SVG, drawn on the server: no JavaScript, and only SVG presentation
attributes (the content security policy forbids inline styles).

Each chart is an image with a title and a description (``role="img"``,
``aria-labelledby``); its figures are in the data table printed with it, so nothing is
known only from the picture. Colours are GOV.UK Design System colours with at least 3:1
contrast against white (WCAG 2.2, 1.4.11 non-text contrast).
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from opendps.insights.tables import Chart, format_cell

BLUE = "#1d70b8"
DARK_BLUE = "#003078"
LIGHT_BLUE = "#5694ca"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "arial, sans-serif"

WIDTH = 640
PLOT_HEIGHT = 160
TOP = 20
LABEL_SPACE = 40
LEFT = 8
BAR_ROW = 26
MAX_BAR = 56
VALUE_LABELS_UP_TO = 16  # bars; with more, the labels would collide
LABEL_WIDTH = 230


def _max(chart: Chart) -> float:
    values = [float(b.upper if b.upper is not None else (b.value or 0)) for b in chart.bars]
    return max([*values, 0.0]) or 1.0


def _label(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _vertical(chart: Chart, chart_id: str) -> str:
    count = len(chart.bars)
    plot_width = WIDTH - 2 * LEFT
    slot = plot_width / max(count, 1)
    bar_width = min(MAX_BAR, max(2.0, slot * 0.7))
    top = _max(chart)
    every = max(1, -(-count // 12))  # at most twelve labels under the bars
    parts = [
        f'<line x1="{LEFT}" y1="{TOP + PLOT_HEIGHT}" x2="{WIDTH - LEFT}" '
        f'y2="{TOP + PLOT_HEIGHT}" stroke="{GRID}" stroke-width="1"/>'
    ]
    for index, bar in enumerate(chart.bars):
        x = LEFT + index * slot + (slot - bar_width) / 2
        value = float(bar.value or 0)
        height = PLOT_HEIGHT * value / top
        fill = LIGHT_BLUE if bar.forecast else BLUE
        label_y = TOP + PLOT_HEIGHT - height
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + PLOT_HEIGHT - height:.1f}" width="{bar_width:.1f}" '
            f'height="{height:.1f}" fill="{fill}"/>'
        )
        if bar.lower is not None and bar.upper is not None:
            centre = x + bar_width / 2
            y_low = TOP + PLOT_HEIGHT - PLOT_HEIGHT * float(bar.lower) / top
            y_high = TOP + PLOT_HEIGHT - PLOT_HEIGHT * float(bar.upper) / top
            label_y = min(label_y, y_high)
            parts.append(
                f'<line x1="{centre:.1f}" y1="{y_low:.1f}" x2="{centre:.1f}" y2="{y_high:.1f}" '
                f'stroke="{DARK_BLUE}" stroke-width="2"/>'
            )
            for y in (y_low, y_high):
                parts.append(
                    f'<line x1="{centre - 5:.1f}" y1="{y:.1f}" x2="{centre + 5:.1f}" '
                    f'y2="{y:.1f}" stroke="{DARK_BLUE}" stroke-width="2"/>'
                )
        if count <= VALUE_LABELS_UP_TO and bar.value is not None:
            parts.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{label_y - 5:.1f}" '
                f'font-family="{FONT}" font-size="11" fill="{TEXT}" text-anchor="middle">'
                f"{escape(format_cell(bar.value, chart.kind))}</text>"
            )
        if index % every == 0:
            parts.append(
                f'<text x="{x + bar_width / 2:.1f}" y="{TOP + PLOT_HEIGHT + 16}" '
                f'font-family="{FONT}" font-size="11" fill="{TEXT}" text-anchor="middle">'
                f"{escape(_label(bar.label, 14))}</text>"
            )
    height = TOP + PLOT_HEIGHT + LABEL_SPACE
    return _svg(chart, chart_id, height, "".join(parts))


def _horizontal(chart: Chart, chart_id: str) -> str:
    top = _max(chart)
    plot_width = WIDTH - LABEL_WIDTH - 90
    parts = []
    for index, bar in enumerate(chart.bars):
        y = TOP + index * BAR_ROW
        value = float(bar.value or 0)
        width = plot_width * value / top
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" font-family="{FONT}" font-size="12" '
            f'fill="{TEXT}" text-anchor="end">{escape(_label(bar.label, 34))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{BAR_ROW - 8}" '
            f'fill="{BLUE}"/>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 15}" font-family="{FONT}" '
            f'font-size="12" fill="{TEXT}">'
            f"{escape(format_cell(bar.value, chart.kind))}</text>"
        )
    height = TOP + len(chart.bars) * BAR_ROW + 8
    return _svg(chart, chart_id, height, "".join(parts))


def _svg(chart: Chart, chart_id: str, height: float, body: str) -> str:
    return (
        f'<svg class="opendps-chart" role="img" aria-labelledby="{chart_id}-title '
        f'{chart_id}-desc" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(chart.legend)}</desc>'
        f"{body}</svg>"
    )


def chart_svg(chart: Chart, chart_id: str) -> SafeString:
    """The chart as SVG markup; every text in it is escaped."""
    if not any(b.value or b.upper for b in chart.bars):
        return mark_safe("")
    markup = _horizontal(chart, chart_id) if chart.horizontal else _vertical(chart, chart_id)
    return mark_safe(markup)  # noqa: S308 - built above from escaped text and numbers

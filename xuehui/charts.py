"""Charts as SVG images, drawn on the server.

pygal: pure Python, writes SVG directly (no browser, no numpy, no font cache), puts each value
in the SVG beside its bar (so a test can read the figures a chart claims back out of it) and draws
reference values as highlighted guide lines (a policy threshold, an average). matplotlib would add
a large binary dependency for the same bar and line charts. The charts are served as images, so
they need no JavaScript and pass the pages' CSP; the inline configuration script pygal writes is
removed (an image never runs it, and a chart opened on its own must not either). Labels use the
CJK font the pages and documents use.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import pygal
from litestar import Response
from pygal.style import Style

from xuehui.i18n import gettext as _

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
STYLE = Style(
    font_family=FONT,
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#c0392b",  # the guide lines of reference values
    colors=("#b22222", "#1f5f8b", "#6b7280", "#d97706"),
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
)
WIDTH, HEIGHT = 880, 420


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)

Series = tuple[str, Sequence[float | None]]


def _frame(title: str) -> dict[str, Any]:
    """What every chart shares: the style, the size, no script, no XML declaration."""
    return {"style": STYLE, "js": [], "disable_xml_declaration": True, "width": WIDTH, "height": HEIGHT, "title": title}


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def rate_bars(title: str, labels: Sequence[str], series: Sequence[Series], guides: Sequence[float] = ()) -> bytes:
    """Grouped bars of rates (0 to 1) per label, with `guides` drawn as highlighted lines."""
    steps = [step / 4 for step in range(5)]
    chart = pygal.Bar(
        **_frame(title),
        range=(0, 1),
        y_labels=sorted({*steps, *guides}),
        y_labels_major=list(guides),
        value_formatter=percent,
        x_label_rotation=20 if len(labels) > 6 else 0,
        legend_at_bottom=True,
        print_values=False,
    )
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _clean(chart.render())


def count_bars(
    title: str, labels: Sequence[str], series: Sequence[Series], marked: Sequence[str] = (), stacked: bool = True
) -> bytes:
    """Bars of counts per label (stacked series by default, such as those below and above a pass
    mark), the `marked` labels highlighted on the axis."""
    columns = list(zip(*(values for _, values in series), strict=True))
    top = max([1.0, *((sum if stacked else max)(v or 0 for v in column) for column in columns)])
    step = max(1, math.ceil(top / 8))  # whole counts on the axis, at most about eight lines
    chart = (pygal.StackedBar if stacked else pygal.Bar)(
        **_frame(title),
        range=(0, math.ceil(top / step) * step),
        y_labels=list(range(0, math.ceil(top / step) * step + 1, step)),
        value_formatter=lambda value: f"{value:.0f}",
        x_label_rotation=20 if len(labels) > 8 else 0,
        legend_at_bottom=True,
        print_values=False,
    )
    chart.x_labels = list(labels)
    chart.x_labels_major = list(marked)
    for name, values in series:
        chart.add(name, list(values))
    return _clean(chart.render())


DatedSeries = tuple[str, Sequence[tuple[dt.date, float]]]


def share_lines(
    title: str, series: Sequence[DatedSeries], span: tuple[dt.date, dt.date], marks: Sequence[dt.date]
) -> bytes:
    """Lines of shares (1 = the target) over dates from `span`, the target drawn as a highlighted
    line and `marks` (stage dates) as highlighted dates."""
    if not any(points for _, points in series):
        # pygal's date axis cannot be drawn without a point; an empty chart says so instead.
        empty = pygal.Line(**_frame(title))
        empty.config.no_data_text = _("No data yet")
        return _clean(empty.render())
    days = sorted({span[0], *marks, span[1]})
    top = max([1.0, *(share for _, points in series for _, share in points)])
    chart = pygal.DateLine(
        **_frame(title),
        range=(0, top),
        y_labels=sorted({0.0, 0.25, 0.5, 0.75, 1.0, *([top] if top > 1 else [])}),
        y_labels_major=[1.0],
        value_formatter=percent,
        x_value_formatter=lambda day: day.isoformat(),
        x_label_rotation=20,
        legend_at_bottom=True,
        show_x_guides=True,
    )
    chart.x_labels = days
    chart.x_labels_major = list(marks)
    for name, points in series:
        chart.add(name, [(day, share) for day, share in points])
    return _clean(chart.render())


def _clean(svg: str | bytes) -> bytes:
    text = svg.decode() if isinstance(svg, bytes) else svg
    return _SCRIPT.sub("", text).encode()


def svg_response(svg: bytes) -> Response[bytes]:
    """A chart as an image: never sniffed, never cached where others could read it."""
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"cache-control": "private, no-store", "x-content-type-options": "nosniff"},
    )

"""Server-side SVG charts: time-series lines with threshold bands, and bars.

No JavaScript and nothing from a CDN: each function returns a ready
``<figure>`` (SVG plus an HTML legend) marked safe for templates. Every text
that reaches the markup is escaped. The SVG scales to its container
(``viewBox`` + ``width: 100%`` in ops.css).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#2563eb", "#d97706", "#b91c1c", "#0f766e", "#7c3aed", "#475569")
BAND_COLOURS = {"good": "#e7f5ec", "warning": "#fdf3dc", "critical": "#fbe3e3"}
BAND_LINES = {"warning": "#b7791f", "critical": "#b3262b"}

W, H = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 12, 30

Point = tuple[datetime, float | None]


def nice_ceiling(value: float) -> float:
    """The smallest 1/2/2.5/5 x 10^k at or above ``value`` (for the y axis)."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exp
        if candidate >= value * 0.999:
            return float(candidate)
    return float(10 ** (exp + 1))


def fmt_number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "B/s":
        for suffix, size in (("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)):
            if abs(value) >= size:
                return f"{value / size:.1f} {suffix}"
        return f"{value:.0f} B/s"
    if abs(value) >= 100 or float(value).is_integer():
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def _time_label(moment: datetime, span_seconds: float) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    if span_seconds > 2 * 86400:
        return local.strftime("%a %H:%M")
    return local.strftime("%H:%M")


def _figure(svg: str, title: str, legend: Sequence[tuple[str, str]], note: str = "") -> SafeString:
    items = "".join(
        f'<li><span class="swatch" style="background:{colour}"></span>{escape(label)}</li>'
        for label, colour in legend
    )
    caption = (
        f'<figcaption><span class="chart-title">{escape(title)}</span>'
        f'<ul class="legend">{items}</ul>'
        + (f'<span class="chart-note">{escape(note)}</span>' if note else "")
        + "</figcaption>"
    )
    return mark_safe(f'<figure class="chart">{caption}{svg}</figure>')


def line_chart(
    series: dict[str, Sequence[Point]],
    *,
    title: str,
    since: datetime,
    until: datetime,
    unit: str = "",
    y_max: float | None = None,
    bands: dict[str, float] | None = None,
    band_unit: str | None = None,
) -> SafeString:
    """Lines over time; ``bands`` (``{"warning": w, "critical": c}``) shade good/warning/critical.

    ``None`` values break a line (no sample, or no traffic to measure).
    """
    span = max(1.0, (until - since).total_seconds())
    values = [v for points in series.values() for _, v in points if v is not None]
    top = max(values) if values else 0.0
    if bands:
        top = max(top, bands["critical"] * 1.15)
    top = y_max if y_max is not None else nice_ceiling(top * 1.05 if top else 1.0)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return LEFT + pw * min(1.0, max(0.0, (moment - since).total_seconds() / span))

    def y(value: float) -> float:
        return TOP + ph * (1.0 - min(1.0, max(0.0, value / top)))

    parts: list[str] = [
        f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMidYMid meet" class="chart-svg">'
        f"<title>{escape(title)}</title>"
    ]
    if bands:
        warn, crit = bands["warning"], bands["critical"]
        label_unit = band_unit if band_unit is not None else unit
        edges = [("good", 0.0, warn), ("warning", warn, crit), ("critical", crit, top)]
        for name, low, high in edges:
            if low >= top:
                continue
            y1, y2 = y(min(high, top)), y(low)
            parts.append(
                f'<rect class="band band-{name}" x="{LEFT}" y="{y1:.1f}" width="{pw}" '
                f'height="{max(0.0, y2 - y1):.1f}" fill="{BAND_COLOURS[name]}"/>'
            )
        for name, level in (("warning", warn), ("critical", crit)):
            if level < top:
                parts.append(
                    f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                    f'stroke="{BAND_LINES[name]}" stroke-dasharray="5 4" stroke-width="1"/>'
                    f'<text x="{LEFT + pw - 4}" y="{y(level) - 3:.1f}" text-anchor="end" '
                    f'class="band-label" fill="{BAND_LINES[name]}">{name} '
                    f"{escape(fmt_number(level, label_unit))}</text>"
                )
    # grid + y labels
    for i in range(5):
        value = top * i / 4
        yy = y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{yy:.1f}" y2="{yy:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" class="axis">'
            f"{escape(fmt_number(value, unit))}</text>"
        )
    # x labels
    ticks = 6
    for i in range(ticks + 1):
        moment = since + (until - since) * (i / ticks)
        xx = x(moment)
        anchor = "start" if i == 0 else ("end" if i == ticks else "middle")
        parts.append(
            f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP + ph}" y2="{TOP + ph + 4}" class="grid"/>'
            f'<text x="{xx:.1f}" y="{H - 10}" text-anchor="{anchor}" class="axis">'
            f"{escape(_time_label(moment, span))}</text>"
        )
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" class="frame" fill="none"/>'
    )
    legend = []
    for i, (label, points) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        legend.append((label, colour))
        segment: list[str] = []
        segments: list[list[str]] = []
        for moment, value in points:
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(moment):.1f},{y(value):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) == 1:
                cx, cy = seg[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"/>')
            else:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2" stroke-linejoin="round" stroke-linecap="round" '
                    f'data-series="{escape(label)}"/>'
                )
    if not values:
        parts.append(
            f'<text x="{LEFT + pw / 2}" y="{TOP + ph / 2}" text-anchor="middle" class="empty">'
            "No samples in this range</text>"
        )
    parts.append("</svg>")
    note = "" if values else "no data"
    return _figure("".join(parts), title, legend, note)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    unit: str = "",
    y_max: float | None = None,
    colour: str = PALETTE[0],
    height: int = 200,
    integer: bool = False,
) -> SafeString:
    """Vertical bars with their values written above them (``integer``: counts, whole ticks)."""
    n = max(1, len(labels))
    present = [v for v in values if v is not None]
    if y_max is not None:
        top = y_max
    elif integer:
        top = float(max(4, math.ceil(max(present, default=0) / 4) * 4))
    else:
        top = nice_ceiling(max(present) if present else 1.0)
    top = top or 1.0
    h = height
    pw, ph = W - LEFT - RIGHT, h - TOP - BOTTOM - 8
    slot = pw / n
    bar = max(2.0, slot * 0.7)
    parts = [
        f'<svg viewBox="0 0 {W} {h}" role="img" aria-label="{escape(title)}" class="chart-svg">'
        f"<title>{escape(title)}</title>"
    ]
    for i in range(5):
        value = top * i / 4
        yy = TOP + 8 + ph * (1 - i / 4)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{yy:.1f}" y2="{yy:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" class="axis">'
            f"{escape(fmt_number(value, unit))}</text>"
        )
    small = n > 12
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        cx = LEFT + slot * i + slot / 2
        v = value or 0.0
        bh = ph * min(1.0, v / top)
        by = TOP + 8 + ph - bh
        parts.append(
            f'<rect x="{cx - bar / 2:.1f}" y="{by:.1f}" width="{bar:.1f}" height="{bh:.1f}" '
            f'fill="{colour}" rx="2" data-label="{escape(label)}" data-value="{v:g}">'
            f"<title>{escape(label)}: {escape(fmt_number(value, unit))}</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{cx:.1f}" y="{by - 4:.1f}" text-anchor="middle" '
                f'class="bar-value{" small" if small else ""}">'
                f"{escape(fmt_number(value, unit))}</text>"
            )
        parts.append(
            f'<text x="{cx:.1f}" y="{h - 10}" text-anchor="middle" '
            f'class="axis{" small" if small else ""}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return _figure("".join(parts), title, [])

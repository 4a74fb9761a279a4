"""Charts as SVG strings made on the server (the page shows them; the PDF dispatch report will reuse
them): the funnel, stage counts by unit (stacked bars), monthly signings and starts.

Hand-made SVG rather than a chart library: the text stays real text in 'Noto Sans CJK SC' (legible
Chinese, selectable, printable), the viewBox scales to a phone's width, and nothing runs in the
browser. Each chart carries role="img" and a title; the page repeats the figures as a table for
screen readers.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from markupsafe import Markup

from crm.domain import Stage

FONT = "'Noto Sans CJK SC', sans-serif"
COLOURS = ("#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df")
WIDTH = 640


def _svg(height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}" font-family="{FONT}" font-size="13">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x, y, value, anchor="start", size=None, fill="#1f2328", weight=None) -> str:
    extra = (f' font-size="{size}"' if size else "") + (f' font-weight="{weight}"' if weight else "")
    return f'<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(str(value))}</text>'


def funnel_chart(title: str, steps: list[tuple[str, int, str]]) -> Markup:
    """A centred bar per stage, as wide as its count: (label, count, caption beside it)."""
    row, top = 44, 8
    largest = max((n for _l, n, _c in steps), default=0) or 1
    body = []
    for i, (label, count, caption) in enumerate(steps):
        y = top + i * row
        width = max(4, round(360 * count / largest))
        x = 200 + (360 - width) / 2
        body.append(f'<rect x="{x}" y="{y}" width="{width}" height="{row - 10}" rx="4" fill="{COLOURS[i % 5]}"/>')
        body.append(_text(190, y + row / 2, label, "end", weight="bold"))
        body.append(_text(380, y + row / 2, count, "middle", fill="#ffffff" if width > 40 else "#1f2328",
                          weight="bold"))
        body.append(_text(570, y + row / 2, caption, "start", size=11, fill="#57606a"))
    return _svg(top + len(steps) * row, title, body)


def stacked_bars(title: str, rows: list[tuple[str, list[int]]], series: list[str]) -> Markup:
    """One horizontal bar per row (e.g. a unit), stacked by series (e.g. stage), with a legend."""
    bar, top, left = 26, 36, 170
    largest = max((sum(v) for _n, v in rows), default=0) or 1
    scale = (WIDTH - left - 50) / largest
    body = []
    for j, name in enumerate(series):  # legend
        body.append(f'<rect x="{10 + j * 110}" y="8" width="12" height="12" fill="{COLOURS[j % 5]}"/>')
        body.append(_text(26 + j * 110, 19, name, size=12))
    for i, (name, values) in enumerate(rows):
        y, x = top + i * bar, left
        body.append(_text(left - 8, y + bar / 2 + 4, name[:12], "end", size=12))
        for j, value in enumerate(values):
            if value:
                w = value * scale
                body.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{bar - 6}" '
                            f'fill="{COLOURS[j % 5]}"><title>{escape(f"{name} {series[j]} {value}")}</title></rect>')
                x += w
        body.append(_text(x + 6, y + bar / 2 + 4, sum(values), size=12))
    return _svg(top + max(len(rows), 1) * bar + 6, title, body)


def monthly_lines(title: str, months: list[str], series: list[tuple[str, list[int]]]) -> Markup:
    """Monthly counts as lines with dots, a month label every third month."""
    left, top, plot_w, plot_h = 40, 30, WIDTH - 84, 180
    largest = max((max(v, default=0) for _n, v in series), default=0) or 1
    step = plot_w / max(len(months) - 1, 1)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#d0d7de"/>',
            _text(left - 6, top + 4, largest, "end", size=11), _text(left - 6, top + plot_h, 0, "end", size=11)]
    for j, (name, values) in enumerate(series):
        points = " ".join(f"{left + i * step:.1f},{top + plot_h - plot_h * v / largest:.1f}"
                          for i, v in enumerate(values))
        body.append(f'<polyline points="{points}" fill="none" stroke="{COLOURS[j % 5]}" stroke-width="2"/>')
        body.append(f'<rect x="{left + j * 100}" y="6" width="12" height="12" fill="{COLOURS[j % 5]}"/>')
        body.append(_text(left + 16 + j * 100, 17, name, size=12))
    for i, month in enumerate(months):
        if i % 3 == 0 or i == len(months) - 1:
            body.append(_text(left + i * step, top + plot_h + 16, month, "middle", size=10, fill="#57606a"))
    return _svg(top + plot_h + 26, title, body)


def month_labels(end: date, count: int = 24) -> list[str]:
    """The `count` months ending with `end`'s month, oldest first, as 'YYYY-MM'."""
    year, month = end.year, end.month
    out = []
    for _i in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def report_charts(report) -> dict:
    """The page's three charts and the figures behind each (for the screen-reader tables)."""
    stages = [Stage(s["stage"]) for s in report.stages]
    funnel = [(s.title, row["entered"], _("期末在库 %(n)s", n=row["current"]))
              for s, row in zip(stages, report.stages, strict=True)]
    units = {}
    for unit_id, stage, count in report.current_by_unit:
        units.setdefault(unit_id, [0] * len(stages))[Stage(stage).index] = count
    unit_rows = sorted(((report.unit_names.get(k, ""), v) for k, v in units.items()), key=lambda r: -sum(r[1]))
    months = month_labels(report.filters.end)
    monthly = {Stage.SIGNED.value: dict.fromkeys(months, 0), Stage.STARTED.value: dict.fromkeys(months, 0)}
    for stage, month, count in report.monthly:
        if month in monthly[stage]:
            monthly[stage][month] = count
    series = [(Stage.SIGNED.title, list(monthly[Stage.SIGNED.value].values())),
              (Stage.STARTED.title, list(monthly[Stage.STARTED.value].values()))]
    return {
        "funnel": funnel_chart(_("本期进入各阶段的项目数"), funnel), "funnel_rows": funnel,
        "units": stacked_bars(_("各单位期末在库项目（按阶段）"), unit_rows, [s.title for s in stages]),
        "unit_rows": unit_rows, "stage_titles": [s.title for s in stages],
        "monthly": monthly_lines(_("近 24 个月签约、开工项目数"), months, series), "months": months,
        "monthly_series": series,
    }

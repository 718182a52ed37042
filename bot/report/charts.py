"""Pure: inline SVG charts (bars, heatmap, stacked months). Every data mark has class `mark`; each chart says in
`data-marks` how many it drew, which the browser test checks against the page's own tables."""

from __future__ import annotations

from html import escape
from math import ceil

BAR_H, GAP, LABEL_W, BAR_W, NUM_W = 18, 4, 330, 380, 70
FONT = 12
DEFAULT_COLOR = "#8c959f"


def _svg(name: str, width: int, height: int, marks: int, body: list[str], title: str) -> str:
    """The chart's <svg> element."""
    return (f'<svg class="chart" data-chart="{escape(name)}" data-marks="{marks}" role="img" '
            f'aria-label="{escape(title)}" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>")


def _clip(text: str, n: int) -> str:
    """Text cut to n characters with an ellipsis."""
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def empty(name: str, title: str, why: str = "no data") -> str:
    """A chart with nothing to draw: zero marks and a note."""
    return _svg(name, 420, 30, 0, [f'<text x="4" y="20" font-size="{FONT}" fill="#57606a">{escape(why)}</text>'],
                title)


def bars(name: str, title: str, counts: dict[str, int], colors: dict[str, str] | None = None,
         total: int | None = None, label_chars: int = 52) -> str:
    """Horizontal bars, one per key (largest first as given), with the count and its share of `total`."""
    if not counts:
        return empty(name, title)
    top = max(counts.values()) or 1
    total = total or sum(counts.values())
    height = len(counts) * (BAR_H + GAP) + GAP
    width = LABEL_W + BAR_W + NUM_W + 40
    body = []
    for i, (key, n) in enumerate(counts.items()):
        y = GAP + i * (BAR_H + GAP)
        w = max(1.0, BAR_W * n / top)
        color = (colors or {}).get(key) or (colors or {}).get(key.split(" - ")[0]) or DEFAULT_COLOR
        label = key.rsplit(" - ", 1)[-1] if " - " in key else key
        share = f"{100 * n / total:.1f}%" if total else ""
        body.append(
            f'<text x="{LABEL_W - 6}" y="{y + BAR_H - 5}" font-size="{FONT}" text-anchor="end">'
            f'{escape(_clip(label, label_chars))}<title>{escape(key)}</title></text>'
            f'<rect class="mark" x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="#{color.lstrip("#")}" '
            f'data-key="{escape(key)}" data-value="{n}"><title>{escape(key)}: {n} ({share})</title></rect>'
            f'<text x="{LABEL_W + w + 6:.1f}" y="{y + BAR_H - 5}" font-size="{FONT}">{n} '
            f'<tspan fill="#57606a">{share}</tspan></text>')
    return _svg(name, width, height, len(counts), body, title)


def heatmap(name: str, title: str, rows: list[str], cols: list[str], cells: list[list[int]]) -> str:
    """A rows x columns grid of counts, darker for more; every cell (also 0) is one mark."""
    if not rows or not cols:
        return empty(name, title)
    cell, left, top_h = 44, 190, 150
    width, height = left + cell * len(cols) + 130, top_h + cell * len(rows) + 10
    peak = max((v for r in cells for v in r), default=0) or 1
    body = []
    for j, col in enumerate(cols):
        x = left + j * cell + cell / 2
        body.append(f'<text transform="translate({x:.0f},{top_h - 6}) rotate(-40)" font-size="11">'
                    f'{escape(_clip(col, 28))}<title>{escape(col)}</title></text>')
    for i, row in enumerate(rows):
        y = top_h + i * cell
        body.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.0f}" font-size="{FONT}" text-anchor="end">'
                    f'{escape(_clip(row, 26))}<title>{escape(row)}</title></text>')
        for j, col in enumerate(cols):
            v = cells[i][j]
            alpha = 0.06 if v == 0 else 0.15 + 0.85 * v / peak
            ink = "#ffffff" if alpha > 0.55 else "#24292f"
            x = left + j * cell
            body.append(f'<rect class="mark" x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                        f'fill="#0969da" fill-opacity="{alpha:.2f}" data-value="{v}">'
                        f'<title>{escape(row)} \u00d7 {escape(col)}: {v}</title></rect>')
            if v:
                body.append(f'<text x="{x + cell / 2 - 1:.0f}" y="{y + cell / 2 + 4:.0f}" font-size="11" '
                            f'text-anchor="middle" fill="{ink}">{v}</text>')
    return _svg(name, width, height, len(rows) * len(cols), body, title)


def stacked_months(name: str, title: str, labels: list[str], series: dict[str, list[int]],
                   colors: dict[str, str]) -> str:
    """One column per month, stacked by series; every non-zero segment is one mark; a legend below."""
    if not labels:
        return empty(name, title, "no creation dates in this input")
    totals = [sum(s[i] for s in series.values()) for i in range(len(labels))]
    peak = max(totals) or 1
    col = max(6, min(36, 900 // len(labels)))
    left, top, plot_h = 44, 10, 220
    width = left + col * len(labels) + 20
    height = top + plot_h + 60 + 18 * ceil(len(series) / 3)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#8c959f"/>',
            f'<text x="{left - 6}" y="{top + 10}" font-size="11" text-anchor="end">{peak}</text>',
            f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" text-anchor="end">0</text>']
    marks = 0
    step = max(1, ceil(len(labels) / 18))
    for i, label in enumerate(labels):
        x, base = left + i * col, top + plot_h
        for key, values in series.items():
            v = values[i]
            if not v:
                continue
            h = plot_h * v / peak
            base -= h
            marks += 1
            color = colors.get(key, DEFAULT_COLOR).lstrip("#")
            body.append(f'<rect class="mark" x="{x + 1}" y="{base:.1f}" width="{col - 2}" height="{h:.1f}" '
                        f'fill="#{color}" data-value="{v}"><title>{escape(label)} {escape(key)}: {v}</title></rect>')
        if i % step == 0:
            body.append(f'<text transform="translate({x + col / 2:.0f},{top + plot_h + 12}) rotate(45)" '
                        f'font-size="10">{escape(label)}</text>')
    for k, key in enumerate(series):
        x, y = left + (k % 3) * 300, top + plot_h + 58 + 18 * (k // 3)
        color = colors.get(key, DEFAULT_COLOR).lstrip("#")
        body.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="#{color}"/>'
                    f'<text x="{x + 16}" y="{y}" font-size="{FONT}">{escape(key)}</text>')
    return _svg(name, width, height, marks, body, title)

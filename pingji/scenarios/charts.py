"""Charts drawn on the server as inline SVG: no script, so the pages keep the strict CSP.

``fan`` draws a quantile fan (5–95 % and 25–75 % bands, the median line) of one series by day;
``lines`` draws the medians of several scenarios on one axis, for the comparison page. Numbers
are formatted by us and labels escaped, so the markup holds nothing a user typed unescaped.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 220, 36
COLOURS = ("#1e56a0", "#c0392b", "#27ae60", "#8e44ad")


def _scale(n: int, top: float):
    top = top or 1.0

    def x(i: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * (i / max(1, n - 1))

    def y(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v / top)

    return x, y


def _path(xs, ys) -> str:
    return " ".join(
        f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}"
        for k, (x, y) in enumerate(zip(xs, ys, strict=True))
    )


def _band(low, high, x, y) -> str:
    n = len(low)
    upper = [(x(i), y(high[i])) for i in range(n)]
    lower = [(x(i), y(low[i])) for i in reversed(range(n))]
    pts = upper + lower
    return "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in pts) + " Z"


def _tick(v: float) -> str:
    """An axis label: whole numbers from 10 up, one decimal below."""
    return f"{v:.0f}" if v >= 10 else f"{v:.1f}".rstrip("0").rstrip(".")


def _axes(title: str, top: float, days: list[str]) -> str:
    first, last = (days[0], days[-1]) if days else ("", "")
    return (
        f'<text x="{PAD}" y="16" class="chart-title">{escape(title)}</text>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#888"/>'
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>'
        f'<text x="{PAD - 4}" y="{PAD + 4}" text-anchor="end" font-size="10">{_tick(top)}</text>'
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end" font-size="10">0</text>'
        f'<text x="{PAD}" y="{HEIGHT - PAD + 14}" font-size="10">{escape(first)}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 14}" text-anchor="end" font-size="10">'
        f"{escape(last)}</text>"
    )


def _svg(body: str, label: str) -> SafeString:
    return mark_safe(  # noqa: S308 — every value above is a number we formatted or escaped text
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def fan(title: str, quantiles: list[list[float]], days: list[str]) -> SafeString:
    """Five rows of quantiles by day (5, 25, 50, 75, 95 %) as a fan chart."""
    q5, q25, q50, q75, q95 = quantiles
    top = max(q95, default=0.0) or 1.0
    x, y = _scale(len(q50), top)
    body = _axes(title, top, days)
    body += f'<path d="{_band(q5, q95, x, y)}" fill="#1e56a0" fill-opacity="0.15"/>'
    body += f'<path d="{_band(q25, q75, x, y)}" fill="#1e56a0" fill-opacity="0.3"/>'
    line = _path([x(i) for i in range(len(q50))], [y(v) for v in q50])
    body += f'<path d="{line}" fill="none" stroke="#1e56a0" stroke-width="2"/>'
    return _svg(body, title)


def lines(title: str, series: list[tuple[str, list[float]]], days: list[str]) -> SafeString:
    """Several named series (medians) on one axis, with a legend."""
    top = max((max(v, default=0.0) for _n, v in series), default=0.0) or 1.0
    n = max((len(v) for _n, v in series), default=0)
    x, y = _scale(n, top)
    body = _axes(title, top, days)
    for k, (name, values) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        line = _path([x(i) for i in range(len(values))], [y(v) for v in values])
        body += f'<path d="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
        body += (
            f'<text x="{WIDTH - PAD}" y="{PAD + 14 * k}" text-anchor="end" font-size="11" '
            f'fill="{colour}">{escape(name)}</text>'
        )
    return _svg(body, title)

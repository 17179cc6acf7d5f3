"""The daily report's epidemic curve as a picture, for the Word document.

Word cannot run the situation room's plotly charts, so the report carries a PNG drawn by matplotlib
(headless, the Agg backend). The picture holds no words, only dates and numbers: a server without
a Chinese font would draw Chinese as boxes, so the title and the legend are the document's own
text, in the reader's language, under the picture (``legend``).
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure  # noqa: E402

CONFIRMED, ASYMPTOMATIC, FORECAST = "#c0392b", "#e59866", "#1f618d"
#: Days shown at most: the last six weeks, which a printed page can still read day by day.
MAX_DAYS = 42


def curve_png(curve: dict, forecast: dict | None) -> bytes | None:
    """Stacked bars of new confirmed and asymptomatic infections by report day and, when there
    is one, the forecast's median with its 95 % interval; None when the curve holds no case."""
    days = curve["confirmed"]["x"][-MAX_DAYS:]
    confirmed = curve["confirmed"]["y"][-MAX_DAYS:]
    asymptomatic = curve["asymptomatic"]["y"][-MAX_DAYS:]
    if not any(confirmed) and not any(asymptomatic):
        return None
    fig = plt.figure(figsize=(7.0, 2.8), dpi=150)
    try:
        _draw(fig, days, confirmed, asymptomatic, (forecast or {}).get("points") or [])
        out = io.BytesIO()
        fig.savefig(out, format="png", bbox_inches="tight")
    finally:
        plt.close(fig)
    return out.getvalue()


def _draw(fig: Figure, days, confirmed, asymptomatic, points) -> None:
    ax = fig.add_subplot()
    x = list(range(len(days)))
    ax.bar(x, confirmed, color=CONFIRMED, width=0.8)
    ax.bar(x, asymptomatic, bottom=confirmed, color=ASYMPTOMATIC, width=0.8)
    labels = [d[5:] for d in days]  # MM-DD
    if points:
        ahead = list(range(len(days), len(days) + len(points)))
        median = [p["q0.5"] for p in points]
        ax.fill_between(
            ahead, [p["q0.025"] for p in points], [p["q0.975"] for p in points],
            color=FORECAST, alpha=0.2, linewidth=0,
        )  # fmt: skip
        ax.plot(ahead, median, color=FORECAST, marker="o", markersize=3, linewidth=1.5)
        labels += [p["day"][5:] for p in points]
    step = max(1, len(labels) // 14)
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)

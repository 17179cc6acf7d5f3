"""The daily report's curve picture: drawn from the situation's series, none without a case."""

import io

from PIL import Image

from pingji.reports.charts import MAX_DAYS, curve_png

DAYS = [f"2021-09-{d:02d}" for d in range(1, 21)]


def _curve(confirmed, asymptomatic) -> dict:
    return {
        "confirmed": {"x": DAYS[: len(confirmed)], "y": confirmed},
        "asymptomatic": {"x": DAYS[: len(asymptomatic)], "y": asymptomatic},
    }


def _pixels(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_no_case_no_picture():
    assert curve_png(_curve([0] * 20, [0] * 20), None) is None


def test_bars_and_the_forecast_band_are_drawn_in_their_colours():
    curve = _curve([0] * 10 + [5, 9, 14, 20, 18, 12, 9, 6, 4, 2], [0] * 10 + [3] * 10)
    plain = _pixels(curve_png(curve, None))
    colours = {c for _n, c in plain.getcolors(1 << 20)}
    assert (0xC0, 0x39, 0x2B) in colours and (0xE5, 0x98, 0x66) in colours  # both bar series
    band = {"q0.025": 0, "q0.25": 1, "q0.5": 2, "q0.75": 3, "q0.975": 6}
    forecast = {"points": [{"day": f"2021-09-{20 + h}", **band} for h in range(1, 8)]}
    with_forecast = _pixels(curve_png(curve, forecast))
    assert (0x1F, 0x61, 0x8D) in {c for _n, c in with_forecast.getcolors(1 << 20)}
    assert (0x1F, 0x61, 0x8D) not in colours


def test_a_long_outbreak_shows_its_last_six_weeks():
    days = [f"2021-{8 + i // 28:02d}-{i % 28 + 1:02d}" for i in range(100)]
    counts = [i % 7 + 1 for i in range(100)]
    curve = {"confirmed": {"x": days, "y": counts}, "asymptomatic": {"x": days, "y": counts}}
    last = {k: {"x": days[-MAX_DAYS:], "y": counts[-MAX_DAYS:]} for k in curve}
    shown = _pixels(curve_png(curve, None))
    assert shown.tobytes() == _pixels(curve_png(last, None)).tobytes()
    first = {k: {"x": days[:MAX_DAYS], "y": counts[:MAX_DAYS]} for k in curve}
    assert shown.tobytes() != _pixels(curve_png(first, None)).tobytes()

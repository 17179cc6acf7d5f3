"""The daily report and the situation room name every figure in words, never by its key.

Indicator keys (``new_confirmed``, ``cum_new_infection``) are how figures are stored and archived;
a reader of either language must see the indicator's label instead (its ``label`` in
``analytics.indicators``), on the archived HTML file, the report's page and the situation room.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import translation

from pingji.analytics.indicators.registry import indicators
from pingji.reports.actions.daily_reports import do_generate_daily_report
from pingji.reports.tests.conftest import clock_at, outbreak, province_epi, reported  # noqa: F401

DAY = datetime.date(2021, 9, 12)


def raw_key() -> re.Pattern:
    """A stored key as shown: a registered snake_case key, bare or as a total (``cum_``)."""
    keys = sorted((i.key for i in indicators() if "_" in i.key), key=len, reverse=True)
    return re.compile(rf"\b(?:cum_)?(?:{'|'.join(keys)})\b")


def visible(html: str) -> str:
    """The page's text as read: scripts, styles and tags (with their attributes) left out."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


def test_the_pattern_finds_a_key_and_not_a_label():
    assert raw_key().search("新增 new_confirmed 3") and raw_key().search("cum_new_infection")
    assert not raw_key().search("new confirmed cases")


@pytest.mark.django_db
@pytest.mark.chinese
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_raw_indicator_key_on_the_daily_report(client, outbreak, tree, language):  # noqa: F811
    with translation.override(language):
        report = do_generate_daily_report(tree["35"], DAY)
    client.force_login(outbreak)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = {
        "archived file": report.html.open("rb").read().decode(),
        "report page": client.get(report.get_absolute_url()).content.decode(),
        "situation room": client.get(f"/reports/situation/35/?on={DAY}").content.decode(),
    }
    assert report.figures["cum_new_confirmed"] == 6  # the figures are there to be named
    for where, html in pages.items():
        shown = raw_key().findall(visible(html))
        assert not shown, f"{where} ({language}) shows raw keys: {sorted(set(shown))}"
    label = "以来" if language == "zh-hans" else "since"  # a total says from which day
    assert label in visible(pages["report page"])

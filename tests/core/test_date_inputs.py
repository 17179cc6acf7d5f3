"""Date fields in the Chinese UI (the default language) hold ISO dates, which the browser's date
picker reads; the Chinese ways of writing a date are still accepted when typed."""

import datetime
import re

import pytest
from django import forms
from django.utils import translation

from pingji.core.forms import DateInput
from pingji.users.choices import Role


def test_the_date_widget_writes_iso_in_chinese():
    with translation.override("zh-hans"):
        assert DateInput().format_value(datetime.date(2021, 9, 20)) == "2021-09-20"
        assert forms.DateTimeInput().format_value(datetime.datetime(2021, 9, 20, 8, 5)) == (
            "2021-09-20 08:05"
        )


@pytest.mark.parametrize("typed", ["2021-09-05", "2021/09/05", "2021年9月5日"])
def test_every_chinese_way_of_writing_a_date_is_read(typed):
    with translation.override("zh-hans"):
        assert forms.DateField().clean(typed) == datetime.date(2021, 9, 5)


def test_a_page_with_a_date_field_fills_it_in_chinese(client, make_user):
    user = make_user(Role.ADMINISTRATOR, "35")
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/protocols/in-force/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    dates = re.findall(
        r'type="date"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*type="date"', page.content.decode()
    )
    values = [a or b for a, b in dates]
    assert len(values) >= 2  # the page's own field and the header's "as of" day
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values), values

"""The interface language: Simplified Chinese by default, English on request, kept across pages.

Assertions read ``<html lang>`` and the selector, not translated text: the catalogue may not be
compiled where the tests run, and the language in force is what the page declares.
"""

import pytest
from playwright.sync_api import expect

from pingji.users.choices import Role

from .browser import login


@pytest.mark.parametrize("browser_locale", ["en-US", "zh-CN"])
@pytest.mark.chinese
def test_the_interface_is_chinese_whatever_the_browser_asks(new_page, browser_locale):
    # given a browser that has never used the language selector
    page = new_page(language=None, locale=browser_locale)

    # when it opens the login page
    page.goto("/login/")

    # then the page is in Simplified Chinese, and the selector says so
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("form.lang select")).to_have_value("zh-hans")


@pytest.mark.chinese
def test_english_once_chosen_holds_across_pages_until_changed_back(new_page, make_user):
    # given a logged-in operator, in the default language
    page = new_page(language=None)
    login(page, make_user(Role.OPERATOR, "350322"), to="/people/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # when English is chosen in the selector
    page.locator("form.lang select").select_option("en")

    # then the same page comes back in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url("/people/")
    expect(page.locator("form.lang select")).to_have_value("en")

    # and the choice holds on the next pages
    for path in ("/tasks/", "/geo/places/"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "en")

    # when Chinese is chosen again, that holds as well
    page.locator("form.lang select").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.goto("/people/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

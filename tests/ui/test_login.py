"""Logging in and out through the real forms."""

from playwright.sync_api import expect

from pingji.users.choices import Role

from .browser import enter_code, login


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_overview(page, make_user):
    # given a county commander who asked for a page before logging in
    user = make_user(Role.COMMANDER, "350322")
    page.goto("/people/")
    expect(page).to_have_url("/login/?next=/people/")

    # when the password is wrong
    page.fill("#id_username", user.username)
    page.fill("#id_password", "not-the-password")
    page.click("#login button[type=submit]")

    # then the form says so and nobody is logged in
    expect(page.locator("#login .errorlist")).to_contain_text("correct username and password")
    expect(page).to_have_url("/login/?next=/people/")
    expect(page.locator(".who")).to_have_count(0)

    # when the right one is given
    page.fill("#id_password", "pw")
    page.click("#login button[type=submit]")

    # then a commander (who may reveal personal data) is asked for the second factor
    expect(page).to_have_url("/login/otp/?next=/people/")
    enter_code(page, user)

    # then the page first asked for opens, under the user's name
    expect(page).to_have_url("/people/")
    expect(page.locator(".who")).to_contain_text(user.username)


def test_logging_in_lands_on_the_overview_and_logging_out_closes_the_session(page, make_user):
    # given a county commander logged in through the form
    user = make_user(Role.COMMANDER, "350322")
    login(page, user)

    # then their home, the county's "decide today", is shown
    expect(page).to_have_url("/")
    expect(page.locator("main h1")).to_contain_text("Decide today")
    expect(page.locator("main h1")).to_contain_text("仙游县")

    # when they log out
    page.click(".who button")

    # then they are back at the login form and the pages ask for a login again
    expect(page).to_have_url("/login/")
    page.goto("/tasks/")
    expect(page).to_have_url("/login/?next=/tasks/")

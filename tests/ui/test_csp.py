"""The Content-Security-Policy in a real browser: plotly charts, the switchers and the API page
work under it, and Chromium reports no violation (docs/decisions/0034-perimeter.md)."""

from playwright.sync_api import expect

from pingji.users.choices import Role

from .browser import login, switch_focus
from .test_map import square


def test_pages_work_under_the_csp_with_no_violation(page, tree, make_user):
    # given a township boundary to draw, and every console message recorded
    for code, lon in (("350322", 118.60), ("350322100", 118.68)):
        tree[code].boundary = square(lon, 25.36)
        tree[code].save(update_fields=["boundary"])
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    # when a county commander logs in (both factors) and opens the county's map
    login(page, make_user(Role.COMMANDER, "350322"), to="/geo/jurisdictions/350322/")
    response = page.goto("/geo/jurisdictions/350322/")
    assert response is not None
    policy = dict(
        d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"  # no inline script, not even a nonced one

    # then plotly (served by the app, run from the map's script file) draws the shape as SVG
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#map svg path.js-fill")).to_have_count(1)

    # and the focus switcher, a script file rather than an inline handler, still submits
    page.goto("/people/")
    switch_focus(page, "鲤城街道")

    # and the API page lists its operations from the schema
    page.goto("/api/docs/")
    expect(page.locator("#ops tbody tr").first).to_be_visible()

    violations = [line for line in console if "Content Security Policy" in line]
    assert violations == [], violations

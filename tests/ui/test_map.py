"""The boundary map draws with the app's own plotly.js and asks nothing of any other host."""

from urllib.parse import urlsplit

from playwright.sync_api import expect

from pingji.users.choices import Role

from .browser import login, shot

#: Hosts the live server answers on; a request anywhere else would fail on an offline intranet.
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def leaves_the_machine(url: str) -> bool:
    """A request to another host (inline ``data:`` and ``blob:`` URLs never leave the browser)."""
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob") and parts.hostname not in LOCAL_HOSTS


def square(lon: float, lat: float, size: float = 0.02) -> dict:
    """A small GeoJSON polygon (GCJ-02 degrees) with its south-west corner at lon, lat."""
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def test_the_jurisdiction_map_draws_offline(page, tree, make_user):
    # given 仙游县 and its township with boundaries near the real county seat
    for code, lon in (("350322", 118.60), ("350322100", 118.68)):
        tree[code].boundary = square(lon, 25.36)
        tree[code].save(update_fields=["boundary"])
    # and every request the browser makes is recorded
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    # when a county commander opens the county's page
    login(page, make_user(Role.COMMANDER, "350322"), to="/geo/jurisdictions/350322/")

    # then plotly draws the township's shape, filled, into the map
    map_element = page.locator("#map")
    expect(map_element).to_have_attribute("data-ready", "1")
    shapes = map_element.locator("svg path.js-fill")
    expect(shapes).to_have_count(1)
    assert len(shapes.first.get_attribute("d") or "") > 10
    shot(page, "jurisdiction-map")

    # and every request went to the app itself, plotly.js included
    assert any(urlsplit(url).path == "/vendor/plotly.min.js" for url in requests)
    assert any(urlsplit(url).path == "/geo/map.json" for url in requests)
    assert [url for url in requests if leaves_the_machine(url)] == []

    # when the commander clicks the township's shape
    box = shapes.first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    # then the township's own page opens
    expect(page).to_have_url("/geo/jurisdictions/350322100/")
    expect(page.locator("main h1")).to_contain_text("鲤城街道")

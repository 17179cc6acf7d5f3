"""No page ships more than what it draws: plotly.js (1.5 MB gzipped) only where a chart or map is
drawn, every page's own HTML, scripts and styles small, and static files compressed once
collected for production (``core.static_files``)."""

import gzip
import re

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

from pingji.users.choices import Role

#: (role, URL, whether the page draws a chart or a map).
PAGES = [
    (Role.COMMANDER, "/", True),  # decide today: the two maps
    (Role.COMMANDER, "/reports/situation/350322/", True),
    (Role.COMMANDER, "/areas/map/", True),
    (Role.EPIDEMIOLOGIST, "/", False),
    (Role.EPIDEMIOLOGIST, "/tracing/chains/", True),
    (Role.OPERATOR, "/", False),
    (Role.OPERATOR, "/cases/", False),
    (Role.EPIDEMIOLOGIST, "/cases/new/", False),
    (Role.OPERATOR, "/tracing/dispatches/", False),
    (Role.OPERATOR, "/quarantine/today/", False),
    (Role.OPERATOR, "/tasks/", False),
    (Role.OPERATOR, "/people/", False),
    (Role.GRID_WORKER, "/", False),
    (Role.GRID_WORKER, "/quarantine/today/", False),
]
#: What a page may weigh, gzipped, without plotly: its HTML, its own scripts and styles.
PAGE_BUDGET_BYTES = 60_000
PLOTLY_BUDGET_BYTES = 1_600_000

pytestmark = pytest.mark.django_db


def assets(html: str) -> list[str]:
    """The same-origin scripts and stylesheets a page loads."""
    found = re.findall(r'<script[^>]+src="(/[^"]+)"|<link[^>]+href="(/[^"]+\.css)"', html)
    return [script or style for script, style in found]


def gzipped_size(client, url: str) -> int:
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body) if response.get("Content-Encoding") == "gzip" else len(gzip.compress(body))


@pytest.mark.parametrize(("role", "url", "draws"), PAGES)
def test_a_page_loads_plotly_only_where_it_draws_and_weighs_little(
    client, make_user, role, url, draws
):
    client.force_login(make_user(role, "350322"))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    loaded = assets(html)
    plotly = [a for a in loaded if "plotly" in a]
    assert bool(plotly) == draws, loaded
    own = len(gzip.compress(response.content)) + sum(
        gzipped_size(client, a) for a in loaded if a not in plotly
    )
    assert own < PAGE_BUDGET_BYTES, (url, own)


def test_plotly_is_sent_compressed_to_a_browser_that_accepts_it(client, make_user):
    client.force_login(make_user(Role.COMMANDER, "350322"))
    plain = client.get("/vendor/plotly.min.js")
    packed = client.get("/vendor/plotly.min.js", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < PLOTLY_BUDGET_BYTES < len(plain.content)


def test_collected_static_files_are_served_hashed_compressed_and_cached(settings, tmp_path):
    """What production serves after ``pingji collectstatic``: a content-hashed name, its gzip
    copy to a browser that accepts it, and a year's cache."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.staticfiles.storage import staticfiles_storage

    staticfiles_storage.__init__()  # reads the manifest just written
    url = staticfiles_storage.url("pingji/app.css")
    assert re.search(r"/static/pingji/app\.[0-9a-f]{12}\.css$", url), url
    serve = WhiteNoiseMiddleware(lambda request: None)
    request = RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip")
    response = serve(request)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]

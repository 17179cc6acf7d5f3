"""The shared CRUD + permission suite that every scoped model joins.

Every model of the project scoped through ``restrict`` must have a factory in its app's
``tests/factories.py`` (``SCOPED_FACTORIES``); the suite then checks, for each model, that
``restrict`` and every API endpoint and detail page serving it keep a row of 仙游县 away from a
user of 湖里区 (404, unchanged) while showing it to a user of the province.
"""

import importlib
from collections.abc import Callable

import pytest
from django.apps import apps
from django.urls import get_resolver

from pingji.users.choices import Role

GRID = "350322100001001"


def scoped_models() -> list[type]:
    """Every project model whose manager offers ``restrict`` (ScopedModel, and User too)."""
    return sorted(
        (
            m
            for m in apps.get_models()
            if m.__module__.startswith("pingji.") and hasattr(m._default_manager, "restrict")
        ),
        key=lambda m: m._meta.label,
    )


def factories() -> dict:
    found: dict[type, Callable] = {}
    for config in apps.get_app_configs():
        if config.name.startswith("pingji."):
            try:
                module = importlib.import_module(f"{config.name}.tests.factories")
            except ModuleNotFoundError:
                continue
            found.update(getattr(module, "SCOPED_FACTORIES", {}))
    return found


def api_endpoints() -> dict[type, str]:
    """Model → list URL of its API viewset, found from the URL conf (nothing listed by hand)."""
    endpoints = {}

    def walk(patterns, prefix):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern).lstrip("^"))
            else:
                cls = getattr(p.callback, "cls", None)
                qs = getattr(cls, "queryset", None)
                if qs is not None and getattr(p.callback, "actions", {}).get("get") == "list":
                    route = prefix + str(p.pattern).lstrip("^")
                    if "<" not in route and "(?P" not in route and "format" not in route:
                        endpoints[qs.model] = "/" + route.lstrip("^").rstrip("$")

    walk(get_resolver().url_patterns, "")
    return endpoints


MODELS = scoped_models()


def test_every_scoped_model_has_a_factory():
    missing = [m._meta.label for m in MODELS if m not in factories()]
    assert not missing, (
        f"add these to SCOPED_FACTORIES in their app's tests/factories.py: {missing}"
    )


@pytest.fixture
def insider(make_user):
    return make_user(Role.ADMINISTRATOR, "35", username="province-admin")


@pytest.fixture
def stranger(make_user):
    return make_user(Role.ADMINISTRATOR, "350206", username="huli-admin")


@pytest.fixture
def row(request, tree):
    return factories()[request.param](tree[GRID])


@pytest.mark.parametrize("row", MODELS, ids=lambda m: m._meta.label, indirect=True)
class TestScopedModel:
    def test_restrict_hides_rows_outside_the_jurisdiction(self, row, insider, stranger):
        model = type(row)
        assert model.objects.restrict(insider, "view").filter(pk=row.pk).exists()
        assert not model.objects.restrict(stranger, "view").filter(pk=row.pk).exists()
        assert not model.objects.restrict(None, "view").filter(pk=row.pk).exists()

    def test_api_detail_is_404_outside_and_200_inside(self, row, insider, stranger, api):
        url = api_endpoints().get(type(row))
        assert url, f"{type(row)._meta.label} has no API endpoint"
        detail = f"{url}{row.pk}/"
        assert api(insider).get(detail).status_code == 200
        assert api(stranger).get(detail).status_code == 404
        listed = api(stranger).get(url).json()
        ids = [str(r.get("id", r.get("code"))) for r in listed.get("results", listed)]
        assert str(row.pk) not in ids

    def test_api_writes_outside_are_404_and_change_nothing(self, row, stranger, api):
        url = api_endpoints()[type(row)]
        before = type(row).objects.filter(pk=row.pk).values().first()
        detail = f"{url}{row.pk}/"
        assert api(stranger).patch(detail, {}, format="json").status_code in (404, 405)
        assert api(stranger).delete(detail).status_code in (404, 405)
        assert type(row).objects.filter(pk=row.pk).values().first() == before

    def test_html_detail_is_404_outside(self, row, insider, stranger, client):
        if not hasattr(row, "get_absolute_url"):
            return
        client.force_login(stranger)
        assert client.get(row.get_absolute_url()).status_code == 404
        client.force_login(insider)
        assert client.get(row.get_absolute_url()).status_code == 200

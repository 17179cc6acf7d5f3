"""URL map: HTML pages per app, REST API under /api/<app>/, OpenAPI schema and docs.

The probes ``/healthz`` and ``/readyz`` are not routed here: ``core.middleware.ProbeMiddleware``
answers them before the host check, the HTTPS redirect and the login (docs/decisions/0038).
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from pingji import views

APPS = [
    "core",
    "geo",
    "people",
    "protocols",
    "command",
    "tasks",
    "users",
    "cases",
    "tracing",
    "quarantine",
    "testing",
    "areas",
    "reopening",
    "resources",
    "preparedness",
    "analytics",
    "field",
    "scenarios",
    "notices",
    "exchange",
    "health_codes",
    "messaging",
    "reports",
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("pingji.users.urls_auth")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/schema/", views.SchemaView.as_view(), name="api-schema"),
    path("api/docs/", views.api_docs, name="api-docs"),
    path("vendor/plotly.min.js", views.plotly_js, name="plotly-js"),
    *[path(f"{app}/", include(f"pingji.{app}.urls")) for app in APPS],
    *[path(f"api/{app}/", include(f"pingji.{app}.api.urls")) for app in APPS],
]

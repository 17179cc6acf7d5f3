"""Django settings for Pingji.

Everything a deployment changes comes from the environment, so the same code runs embedded on a
laptop (SQLite + DuckDB under ``PINGJI_DATA_DIR``) and in production (PostgreSQL via
``DATABASE_URL``, job workers through ``PINGJI_BROKER_URL``).
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(
    os.environ.get("PINGJI_DATA_DIR")
    or Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "pingji"
)
ANALYTIC_DIR = DATA_DIR / "analytic"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"


def _secret(name: str, default_file: str) -> str:
    """A secret from the environment, else one generated once and kept in the data dir."""
    if os.environ.get(name):
        return os.environ[name]
    path = DATA_DIR / default_file
    if not path.exists():
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret("PINGJI_SECRET_KEY", "secret_key")
# Personal-data keys are separate from SECRET_KEY so that rotating sessions never loses data.
FIELD_ENCRYPTION_KEY = _secret("PINGJI_FIELD_KEY", "field_key")
DEBUG = os.environ.get("PINGJI_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("PINGJI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")


def database_from_url(url: str) -> dict:
    """``postgres://user:pass@host:port/name`` or ``sqlite:///path`` in Django's form."""
    parts = urlparse(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path[1:] or ":memory:"}
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (postgres or sqlite)")


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "pingji.sqlite3",
            "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "pingji.core",
    "pingji.users",
    "pingji.geo",
    "pingji.protocols",
    "pingji.command",
    "pingji.people",
    "pingji.tasks",
    "pingji.cases",
    "pingji.tracing",
    "pingji.quarantine",
    "pingji.testing",
    "pingji.areas",
    "pingji.reopening",
    "pingji.resources",
    "pingji.preparedness",
    "pingji.analytics",
    "pingji.reports",
    "pingji.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pingji.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pingji.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "pingji.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pingji.context_processors.pingji",
            ]
        },
    }
]
WSGI_APPLICATION = "pingji.wsgi.application"
AUTH_USER_MODEL = "users.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pingji.core.api.base.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pingji API",
    "DESCRIPTION": "Epidemic emergency command platform. Every endpoint is scoped to the caller's "
    "jurisdiction; objects outside it answer 404.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "JurisdictionLevelEnum": "pingji.geo.choices.Level",
        "ResponseLevelEnum": "pingji.command.choices.ResponseLevel",
        "PlaceKindEnum": "pingji.geo.choices.PlaceKind",
        "TaskKindEnum": "pingji.tasks.kinds.kind_choices",
    },
    # Swagger UI assets come from the app itself (no CDN), see pingji/templates/api_docs.html.
}

# Background jobs: "thread" runs them inside the app process (embedded default, no server);
# "db" leaves them for `pingji worker` processes polling the database; "redis" pushes job ids
# through a Redis broker to workers on other machines. See docs/decisions/0003-background-jobs.md.
JOBS_BACKEND = os.environ.get("PINGJI_JOBS_BACKEND", "thread")
BROKER_URL = os.environ.get("PINGJI_BROKER_URL", "redis://127.0.0.1:6379/0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PINGJI_LOG_LEVEL", "WARNING")},
}

# Jurisdiction-wide pages are scoped; only the public notices (later) need no login.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "pingji.users.roles.RoleBackend",
]

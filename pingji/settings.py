"""Django settings for Pingji.

Everything a deployment changes comes from the environment, so the same code runs embedded on a
laptop (SQLite + DuckDB under ``PINGJI_DATA_DIR``) and in production (PostgreSQL via
``DATABASE_URL``, job workers through ``PINGJI_BROKER_URL``).
"""

import json
import os
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(
    os.environ.get("PINGJI_DATA_DIR")
    or Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "pingji"
)
ANALYTIC_DIR = DATA_DIR / "analytic"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Stored files (task evidence, exports) hold personal data: readable by the service's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700


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


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default) == "1"


def _field_key() -> str:
    """The personal-data key: from the environment, a key file, or (embedded only) the data dir.

    In production (``DATABASE_URL`` set) a key generated beside the data would be copied with every
    backup of it, so the app refuses to start instead (docs/decisions/0034-perimeter.md).
    """
    if os.environ.get("PINGJI_FIELD_KEY"):
        return os.environ["PINGJI_FIELD_KEY"]
    if os.environ.get("PINGJI_FIELD_KEY_FILE"):
        return Path(os.environ["PINGJI_FIELD_KEY_FILE"]).read_text().strip()
    if os.environ.get("DATABASE_URL"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DATABASE_URL is set but neither PINGJI_FIELD_KEY nor PINGJI_FIELD_KEY_FILE is: the "
            "personal-data key must be kept outside the data directory in production. Generate "
            "one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return _secret("PINGJI_FIELD_KEY", "field_key")


SECRET_KEY = _secret("PINGJI_SECRET_KEY", "secret_key")
# Personal-data keys are separate from SECRET_KEY so that rotating sessions never loses data.
FIELD_ENCRYPTION_KEY = _field_key()
#: Earlier field keys, comma-separated: still accepted for decryption while
#: `pingji rotate_field_key` re-encrypts what they wrote (pingji/core/crypto.py).
FIELD_ENCRYPTION_KEYS_OLD = [
    k.strip() for k in os.environ.get("PINGJI_FIELD_KEYS_OLD", "").split(",") if k.strip()
]
#: The look-up hash key pinned (64 hex digits, `pingji rotate_field_key --show-hash-key`), so
#: that rotating the field key leaves every stored look-up hash valid; empty: derived from the key.
FIELD_HASH_KEY = os.environ.get("PINGJI_HASH_KEY", "").strip()
if FIELD_HASH_KEY and (len(FIELD_HASH_KEY) != 64 or set(FIELD_HASH_KEY) - set("0123456789abcdef")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PINGJI_HASH_KEY must be the 64 hex digits --show-hash-key printed.")
DEBUG = os.environ.get("PINGJI_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("PINGJI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")


def database_from_url(url: str) -> dict:
    """``postgres://user:pass@host:port/name`` or ``sqlite:///path`` in Django's form."""
    parts = urlparse(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path[1:] or ":memory:"}
    if parts.scheme in ("postgres", "postgresql"):
        return {
            # Django's, with a health check that asks the server only when it spoke (core.postgres)
            "ENGINE": "pingji.core.postgres",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Connections are kept a minute, and checked before reuse: one the server or a
            # balancer dropped is replaced instead of failing the request that picks it up.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
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
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
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
    "pingji.field",
    "pingji.scenarios",
    "pingji.notices",
    "pingji.exchange",
    "pingji.health_codes",
    "pingji.messaging",
    "pingji.reports",
    "pingji.demo",
]

MIDDLEWARE = [
    # First: the request id every log line carries, then the probes, which need nothing after
    "pingji.core.middleware.RequestIdMiddleware",
    "pingji.core.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # static files answered here, compressed, before sessions and the login (core.static_files)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # the session, read with the shared cache's version in one round trip, before anything reads
    # a user, a device or a path through that cache (core.sessions)
    "pingji.core.sessions.SessionMiddleware",
    "pingji.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pingji.core.as_of.AsOfMiddleware",
    "pingji.users.otp.CachedOTPMiddleware",
    "pingji.users.otp.RequireOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pingji.core.middleware.NoStoreMiddleware",
    "pingji.core.middleware.RequestContextMiddleware",
    "pingji.users.security.RefusedAccessMiddleware",
    "axes.middleware.AxesMiddleware",
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
#: Django's widget templates, with the common widgets written in Python (core.form_renderer).
FORM_RENDERER = "pingji.core.form_renderer.WidgetRenderer"
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
#: ISO dates first in the Chinese input formats, so date fields fill (pingji/formats).
FORMAT_MODULE_PATH = ["pingji.formats"]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "pingji.core.static_files.CompressedStaticFiles"},
}
#: Before `pingji collectstatic` (the demo, tests) the files are served from the apps, plain;
#: that STATIC_ROOT does not exist yet then is expected, not worth a warning on every start.
WHITENOISE_USE_FINDERS = DEBUG or not (STATIC_ROOT / "staticfiles.json").exists()
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pingji.users.tokens.TokenAuthentication",
        "pingji.users.otp.VerifiedSessionAuthentication",
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
    "COMPONENT_SPLIT_REQUEST": True,  # request schemas without read-only fields (API fuzzing)
    "ENUM_NAME_OVERRIDES": {
        "JurisdictionLevelEnum": "pingji.geo.choices.Level",
        "ResponseLevelEnum": "pingji.command.choices.ResponseLevel",
        "PlaceKindEnum": "pingji.geo.choices.PlaceKind",
        "TaskKindEnum": "pingji.tasks.kinds.kind_choices",
    },
    # Swagger UI assets come from the app itself (no CDN), see pingji/templates/api_docs.html.
}

# Background jobs (docs/decisions/0037): "thread" runs them inside the app process through
# Dramatiq's in-process broker (embedded default, no server); "redis" sends them through a Redis
# broker to `pingji worker` processes on any machine; "sync" runs them at commit (tests, scripts).
JOBS_BACKEND = os.environ.get("PINGJI_JOBS_BACKEND", "thread")
BROKER_URL = os.environ.get("PINGJI_BROKER_URL", "redis://127.0.0.1:6379/0")
#: How long a job's runner may go silent before another takes the job over.
JOBS_LEASE_SECONDS = float(os.environ.get("PINGJI_JOB_LEASE_SECONDS", "60"))
# A scenario's ensemble (docs/scenarios.md) fans out over this many processes of the worker that
# runs it (0: every core), or over the Spark cluster SPARK_MASTER names (spark://host:7077, yarn).
SCENARIO_WORKERS = int(os.environ.get("PINGJI_SCENARIO_WORKERS", "0"))
SPARK_MASTER = os.environ.get("PINGJI_SPARK_MASTER", "").strip()

# The cache holds counters that must be shared by every web process: the identity look-up budget
# (people.limits, decision 0031). Embedded, one process: memory. Production: PINGJI_CACHE_URL
# (e.g. redis://host:6379/1), or every gunicorn worker would count on its own.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        if (url := os.environ.get("PINGJI_CACHE_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions are read on every request: from the shared cache when there is one (the database
# keeps them too), else from the database, since a cache of each process's own would let one
# process read a session another has changed (the two-factor step, the focus) out of date.
if os.environ.get("PINGJI_CACHE_URL"):
    SESSION_ENGINE = "pingji.core.sessions"
#: Identity look-ups (blind search, cross-area duplicate refusals) per user: count/seconds.
# A note of the deployment's on the login page, e.g. whom to ask for an account (the demo sets its
# naming of accounts here).
PINGJI_LOGIN_NOTE = os.environ.get("PINGJI_LOGIN_NOTE", "")
PINGJI_SEARCH_RATE = tuple(
    int(n) for n in os.environ.get("PINGJI_SEARCH_RATE", "20/600").split("/", 1)
)

# Logs go to stderr, each record with its request (or job) id and user id (pingji/core/logs.py):
# one JSON object per line in production (DATABASE_URL set), a readable line embedded or with
# DEBUG; PINGJI_LOG_FORMAT=json|text chooses. Django's own loggers (django.request: every 500
# with its traceback) hand their records to the same handler, under any WSGI server.
LOG_FORMAT = os.environ.get("PINGJI_LOG_FORMAT") or (
    "json" if os.environ.get("DATABASE_URL") and not DEBUG else "text"
)
if LOG_FORMAT not in ("json", "text"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PINGJI_LOG_FORMAT must be json or text.")
LOG_LEVEL = os.environ.get("PINGJI_LOG_LEVEL", "WARNING").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "pingji.core.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "pingji.core.logs.JsonFormatter"},
        "text": {"()": "pingji.core.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's handlers print only with DEBUG or mail ADMINS: its records propagate to ours.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

# Jurisdiction-wide pages are scoped; only the public pages (the published areas, a notice's
# verification, a person's self-report link) need no login.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out username+address before the password is even checked
    "axes.backends.AxesStandaloneBackend",
    "pingji.users.roles.PasswordBackend",
    "pingji.users.roles.RoleBackend",
    # the permissions of a declared duty, only while an action performs it (core.duties)
    "pingji.core.duties.DutyBackend",
]

# --- The perimeter (docs/decisions/0034-perimeter.md) ---------------------------------------
# Login throttling: a username from one address is locked for 15 minutes after 5 wrong passwords;
# every failure is kept (axes' access failure log, in the admin).
AXES_FAILURE_LIMIT = int(os.environ.get("PINGJI_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PINGJI_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "pingji.users.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "pingji.users.security.client_ip"
AXES_VERBOSE = False
#: Balancers in front of the app that append to X-Forwarded-For (0: use the socket's address).
TRUSTED_PROXY_COUNT = int(os.environ.get("PINGJI_TRUSTED_PROXY_COUNT", "0"))

# Two-factor login for the roles that may reveal personal data (pingji/users/otp.py).
REQUIRE_OTP = _flag("PINGJI_REQUIRE_OTP", "1")
OTP_TOTP_ISSUER = "Pingji"

# Sessions end after a working day; API tokens after PINGJI_TOKEN_DAYS (pingji/users/tokens.py).
SESSION_COOKIE_AGE = int(float(os.environ.get("PINGJI_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = _flag("PINGJI_SESSION_BROWSER_CLOSE")
API_TOKEN_DAYS = int(os.environ.get("PINGJI_TOKEN_DAYS", "30"))
# The field app wipes a cached day from a phone this many hours after the day began
# (docs/decisions/0045-offline-field-app.md).
FIELD_APP_KEEP_HOURS = int(os.environ.get("PINGJI_FIELD_APP_KEEP_HOURS", "24"))

# HTTPS behind a TLS-terminating balancer: PINGJI_SECURE=1 turns every HTTPS-only setting on;
# PINGJI_PROXY_SSL_HEADER names the header the balancer sets to "https" (HTTP_X_FORWARDED_PROTO).
SECURE = _flag("PINGJI_SECURE")
if os.environ.get("PINGJI_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["PINGJI_PROXY_SSL_HEADER"], "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("PINGJI_HSTS_SECONDS", "31536000")) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE and _flag("PINGJI_HSTS_PRELOAD", "1")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy: everything from the app itself; inline scripts only with the page's
# nonce. Inline styles stay allowed: plotly sets style attributes on what it draws.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Password reset mails and e-mail messages (Django's mail framework); the console backend prints
# them when no server is configured.
EMAIL_BACKEND = os.environ.get(
    "PINGJI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("PINGJI_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("PINGJI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PINGJI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PINGJI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PINGJI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("PINGJI_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("PINGJI_EMAIL_FROM", "pingji@localhost")
PASSWORD_RESET_TIMEOUT = 3600

# --- Reaching people (docs/decisions/0043) -------------------------------------------------------
# The address people outside reach the platform at: printed in a notice's QR code and in a
# self-report link; empty, a page's own host is used (and a job prints a path only).
PUBLIC_BASE_URL = os.environ.get("PINGJI_PUBLIC_BASE_URL", "")
# Gateways per channel (docs/messaging.md), as JSON: none by default, so nothing leaves a demo.
MESSAGING_GATEWAYS = json.loads(os.environ.get("PINGJI_MESSAGING_GATEWAYS", "{}"))

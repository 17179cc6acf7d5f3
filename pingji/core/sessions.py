"""Sessions kept in the shared cache and the database, read in the request's one round trip to
the shared cache (``shared_cache.request_reads``).

Every request of a signed-in user reads its session, and every request reads the shared cache's
version: two round trips to Redis before the view, each costing the request more CPU than what it
brings. The middleware reads the two in one. ``SESSION_ENGINE`` is this module where the cache is
shared (``PINGJI_CACHE_URL``); without one sessions stay in the database, and nothing changes.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware

from . import shared_cache


class SessionStore(cached_db.SessionStore):
    """Django's cached-database store, given what the middleware already read of it."""

    #: The session's data as the request's round trip found it in the cache; None: not read.
    preread: dict | None = None

    def load(self):
        data, self.preread = self.preread, None
        return data if data is not None else super().load()


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, whose request reads the shared cache's version and the
    session together (module docstring); the rest of the request reads under that version.
    Synchronous only: the platform is served over WSGI."""

    async_capable = False

    def __call__(self, request):
        store = self.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        key = (
            store.cache_key_prefix + store.session_key
            if isinstance(store, SessionStore) and store.session_key  # a key of a valid form
            else None
        )
        with shared_cache.request_reads(*([key] if key else [])) as found:
            if key is not None:
                store.preread = found.get(key)
            request.session = store
            return self.process_response(request, self.get_response(request))

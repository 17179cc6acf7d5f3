"""Request middleware: the actor and request id for the change log; personal data kept out of
caches; the UI language."""

import logging

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control

from .context import acting_as

log = logging.getLogger("pingji.request")

#: What is no personal data and may be cached: the app's own assets.
CACHEABLE_PREFIXES = ("/static/", "/vendor/")


class RequestContextMiddleware:
    """Binds the actor and a request id generated here to everything the request writes.

    A client's ``X-Request-ID`` is never the audit's id (a client could make its writes look like
    another request's); it is logged beside the server's as ``client_request_id``. The response
    carries the server's id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # DRF authenticates tokens later, inside the view; it rebinds the actor there (core.api).
        user = request.user if request.user.is_authenticated else None
        with acting_as(user, None) as request_id:
            request.request_id = request_id
            client_id = request.headers.get("X-Request-ID", "")
            if client_id:  # repr: a hostile id cannot forge log lines
                log.info("request_id=%s client_request_id=%r", request_id, client_id[:200])
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a logged-in user or a token request.

    Such pages and API answers may carry personal data; no browser, proxy or balancer cache may
    keep them (the back button of a shared computer included). Only the app's assets are left
    cacheable. Runs outside DRF, so token requests are recognised by their header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(CACHEABLE_PREFIXES):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            patch_cache_control(response, no_store=True, private=True)
        return response


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language with the selector.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the UI is in Chinese by
    default, for the officials who use it, and in English on request (the selector's cookie),
    whatever the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

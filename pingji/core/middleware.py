"""Request middleware: the request id in every log line; the probes; the actor and request id
for the change log; personal data kept out of caches; the UI language."""

import logging
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.log import log_response

from .context import acting_as
from .logs import log_context, sane_request_id
from .views import health

log = logging.getLogger("pingji.request")

#: What is no personal data and may be cached: the app's own assets.
CACHEABLE_PREFIXES = ("/static/", "/vendor/")


class RequestIdMiddleware:
    """Gives the request its id, first of all, so that every record it logs carries it.

    The id is the server's own: a client's ``X-Request-ID`` is never the change log's (a client
    could make its writes look like another request's, docs/decisions/0034-perimeter.md). A
    client's id that is a plain token is logged beside it on every record as
    ``client_request_id``, so a balancer's id leads to ours. The response carries the server's id.
    Outermost, so an error in any later middleware is logged with the id and the path too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id = uuid.uuid4().hex
        client_id = request.headers.get("X-Request-ID", "")
        fields = {"request_id": request_id, "method": request.method, "path": request.path[:300]}
        with log_context(client_request_id=sane_request_id(client_id), **fields):
            if client_id:  # repr: a hostile id cannot forge log lines
                log.info("request_id=%s client_request_id=%r", request_id, client_id[:200])
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ProbeMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before any other middleware (``views.health``).

    A balancer probes a backend by its address, over plain HTTP, without a session: the host
    check, the HTTPS redirect, the login and the two-factor step would each refuse it. The probes
    answer only their JSON, so none of those is needed.
    """

    PROBES = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.PROBES.get(request.path_info.rstrip("/") or "/")
        return probe(request) if probe is not None else self.get_response(request)


class RequestContextMiddleware:
    """Binds the actor and the request's id (``RequestIdMiddleware``) to everything it writes.

    Django logs a 4xx answer (``django.request``) after the whole middleware chain, when neither
    the ids nor the user are bound any more; it is logged here instead, once, while they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # DRF authenticates tokens later, inside the view; it rebinds the actor there (core.api).
        user = request.user if request.user.is_authenticated else None
        with acting_as(user, getattr(request, "request_id", None)) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
            if response.status_code >= 400:  # marks it logged, so Django does not again
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    request.path,
                    response=response,
                    request=request,
                )
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

"""Request middleware: the actor and request id for the change log; the UI language."""

from django.conf import settings
from django.utils import translation

from .context import acting_as


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request.headers.get("X-Request-ID", "")[:64] or None
        # DRF authenticates tokens later, inside the view; it rebinds the actor there (core.api).
        user = request.user if request.user.is_authenticated else None
        with acting_as(user, rid) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language with the selector.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the handbook wants the
    UI in Chinese by default and English on request (the selector's cookie), whatever the browser.
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

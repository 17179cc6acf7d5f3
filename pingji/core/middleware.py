"""Request middleware: bind the user and a request id for the change log."""

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

"""The perimeter's hooks (docs/decisions/0034-perimeter.md): for django-axes, the client's
address behind balancers and the page a locked-out login gets; and the record of refused access."""

from django.conf import settings
from django.shortcuts import render

from pingji.core.middleware import CACHEABLE_PREFIXES

from .models import AccessRefusal

#: Statuses of a refused access: forbidden, or (outside the user's area) not found.
REFUSED = (403, 404)


def client_ip(request) -> str:
    """The address a login came from.

    Behind ``settings.TRUSTED_PROXY_COUNT`` balancers that each append to X-Forwarded-For, the
    client is that many entries from the right; entries further left were written by the client
    and are not trusted. Without balancers it is the socket's address.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The login page's lockout message, 429, in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


class RefusedAccessMiddleware:
    """Records every refused request of an authenticated user (``record_refusal``); inside
    ``core.middleware.RequestContextMiddleware``, so the server's request id is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in REFUSED and not request.path.startswith(CACHEABLE_PREFIXES):
            record_refusal(request, response.status_code)
        return response


def record_refusal(request, status: int) -> None:
    """Keep a refused request of an authenticated user (token users included: DRF sets
    ``request.user`` on the Django request). No query string: it may hold personal data."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    # one insert, without the save signals' read of the row first; core.audit logs it like a save
    AccessRefusal.objects.bulk_create(
        [
            AccessRefusal(
                user_id=user.pk,
                jurisdiction_code=getattr(user, "jurisdiction_id", None) or "",
                method=request.method[:10],
                path=request.path[:300],
                status=status,
                request_id=getattr(request, "request_id", ""),
            )
        ]
    )

"""Login throttling hooks for django-axes: the client's address behind balancers, and the page a
locked-out login gets (docs/decisions/0034-perimeter.md)."""

from django.conf import settings
from django.shortcuts import render


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

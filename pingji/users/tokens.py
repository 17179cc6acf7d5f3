"""API tokens: issued once, stored as a keyed hash, expiring, revocable (docs/decisions/0034).

``Authorization: Token <prefix>.<secret>``. The prefix (public, unique) finds the row; the
HMAC-SHA256 of the whole token under a key derived from SECRET_KEY must match its digest. Changing
SECRET_KEY therefore invalidates every token, as it ends every session.
"""

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from pingji.core import clock

from .choices import Role
from .models import ApiToken, User

KEYWORD = "Token"
#: last_used is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=5)


def digest(token: str) -> str:
    """Keyed hash of a token; the key is derived from SECRET_KEY under its own salt."""
    return salted_hmac("pingji.users.tokens", token, algorithm="sha256").hexdigest()


def issue_token(user: User, *, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; the clear token is returned once and never stored."""
    prefix = secrets.token_hex(6)
    token = f"{prefix}.{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=digest(token),
        expires_at=clock.real_now() + timedelta(days=days or settings.API_TOKEN_DAYS),
    )
    return row, token


def revoke_tokens(user: User) -> int:
    """Revoke every live token of the user (a password change, a deactivation); how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=clock.real_now()
    )


def check_token(token: str) -> ApiToken:
    """The live token row for a presented token, or AuthenticationFailed saying why not."""
    prefix, dot, _secret = token.partition(".")
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first() if dot else None
    if row is None or not hmac.compare_digest(row.digest, digest(token)):
        raise exceptions.AuthenticationFailed(_("Invalid token."))
    if row.revoked_at is not None:
        raise exceptions.AuthenticationFailed(_("Token revoked."))
    if row.expires_at <= clock.real_now():
        raise exceptions.AuthenticationFailed(_("Token expired."))
    if not row.user.is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    return row


class TokenAuthentication(authentication.BaseAuthentication):
    """DRF authentication by hashed token; a service account may only read (GET, HEAD, OPTIONS)."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            token = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        row = check_token(token)
        if row.user.role == Role.SERVICE and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise exceptions.PermissionDenied(_("Service accounts only read."))
        now = clock.real_now()
        if row.last_used is None or now - row.last_used > TOUCH_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used=now)
        return row.user, row

    def authenticate_header(self, request) -> str:
        return KEYWORD


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema names this authentication."""

    target_class = "pingji.users.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <prefix>.<secret> (pingji token USERNAME)",
        }

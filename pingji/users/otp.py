"""Two-factor login: a time-based code (TOTP, RFC 6238) after the password, for the roles that may
reveal personal data (``roles.needs_otp``). See docs/decisions/0034-perimeter.md.

A session that passed the password but not the code reaches only the code step (and log out);
the API's session authentication ignores it. Token requests are not affected: a token is issued
by an administrator (``pingji token``) and is itself the second thing the caller holds.
"""

import time
from base64 import b32encode
from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import SessionAuthentication

from pingji.core import shared_cache

from .roles import needs_otp

#: Paths a session waiting for its code may still open: the steps themselves, the language
#: selector, assets, and the API (whose session authentication refuses it on its own).
OPEN_PREFIXES = ("/login/", "/logout/", "/i18n/", "/jsi18n/", "/static/", "/vendor/", "/api/")


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def waiting_for_code(user) -> bool:
    """Logged in with the password, but the second factor is still due."""
    return needs_otp(user) and not is_verified(user)


def device_key(persistent_id: str) -> str:
    """The shared cache's key of a second-factor device (``CachedOTPMiddleware``)."""
    return f"pingji:otp-device:{persistent_id}"


class CachedOTPMiddleware(OTPMiddleware):
    """django_otp's middleware, reading the session's device through the shared cache
    (``core.shared_cache``): every request of a two-factor session reads it."""

    def _device_from_persistent_id(self, persistent_id: str):
        return shared_cache.read(
            device_key(self._normalize_persistent_id(persistent_id)),
            lambda: super(CachedOTPMiddleware, self)._device_from_persistent_id(persistent_id),
        )


class RequireOTPMiddleware:
    """Send a session that still owes its code to the code step (after django_otp's middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(OPEN_PREFIXES) and waiting_for_code(request.user):
            return redirect(f"{reverse('otp_verify')}?next={quote(request.get_full_path())}")
        return self.get_response(request)


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, except for a session that has not passed its code."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and waiting_for_code(result[0]):
            return None
        return result


def device_for(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    rows = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        rows = rows.filter(confirmed=confirmed)
    return rows.order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device shown on the enrolment page (the same one until it is confirmed)."""
    return device_for(user, confirmed=False) or TOTPDevice.objects.create(
        user=user, name="default", confirmed=False
    )


def ensure_device(user, key: str | None = None) -> TOTPDevice:
    """A confirmed device for the user (the demo's and the tests' set-up), created if missing."""
    device = device_for(user)
    if device is None:
        extra = {"key": key} if key else {}
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True, **extra)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in by hand."""
    return b32encode(device.bin_key).decode()


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator shows now (``pingji otp``, the demo, the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return str(totp.token()).zfill(device.digits)


def mark_verified(session, device: TOTPDevice) -> None:
    """Record in a session that its user passed the code (what ``django_otp.login`` stores)."""
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema describes the session as DRF's own."""

    target_class = "pingji.users.otp.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}

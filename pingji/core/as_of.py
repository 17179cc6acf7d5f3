"""The day a person views the platform as of: read-only, kept while they move between pages
(docs/decisions/0030).

The header's control sends ``?as_of=YYYY-MM-DD`` to whatever page is open; ``AsOfMiddleware``
keeps it in the session (``?as_of=`` with nothing clears it), so the next page opens on the same
day. A page whose figures depend on the day asks ``day_shown(request)``: its own ``?on=`` if it
has one (a link to a given day), else the day kept, else the platform's today. Asking marks the
page as one that honours the day, and the header then says it is shown as of that day; a page
that shows only the present says so instead. The header's parameter is not ``on``, which some
pages use for a filter of their own (the day of a quarantine check).
"""

import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from . import clock

SESSION_KEY = "pingji_as_of"
PARAMETER = "as_of"
#: What a person may still do while viewing a past day: leave, change language or focus, their
#: own password and login. Everything else that writes waits until they return to today.
WRITES_ALLOWED = frozenset(
    {
        "login",
        "logout",
        "otp_verify",
        "set_language",
        "geo:set_focus",
        "password_change",
        "password_reset",
        "password_reset_confirm",
    }
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def parse_day(text: str) -> datetime.date | None:
    """An ISO day no later than the platform's today, or None (a typo or a future day is not
    kept: a view of the future would be a forecast, not the record)."""
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if day <= clock.today() else None


def kept_day(request) -> datetime.date | None:
    """The day this person views the platform as of, or None (the present)."""
    return getattr(request, "as_of", None)


def day_shown(request, asked: datetime.date | None = None) -> datetime.date:
    """The day a page's figures are for: the day the page was asked for (``asked``, its own
    ``?on=``), else the kept day, else today. Marks the page as one that honours it, for the
    header."""
    request.as_of_honoured = True
    return asked or kept_day(request) or clock.today()


class AsOfMiddleware:
    """Keeps ``?as_of=`` in the session and sets ``request.as_of`` (a date or None) on each
    request; while a past day is viewed, refuses the writes of ``WRITES_ALLOWED``'s complement
    (``process_view``): what is viewed is the past, what would be written is now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and PARAMETER in request.GET:
            day = parse_day(request.GET[PARAMETER])
            if day is None or day == clock.today():
                session.pop(SESSION_KEY, None)
            else:
                session[SESSION_KEY] = day.isoformat()
        stored = session.get(SESSION_KEY) if session is not None else None
        request.as_of = parse_day(stored) if stored else None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE_METHODS or getattr(request, "as_of", None) is None:
            return None
        if request.resolver_match and request.resolver_match.view_name in WRITES_ALLOWED:
            return None
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = "/"
        parts = urlsplit(back)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != PARAMETER] + [(PARAMETER, "")]
        today = urlunsplit(parts._replace(query=urlencode(query)))
        context = {"day": request.as_of, "today": today}
        return render(request, "core/read_only.html", context, status=409)

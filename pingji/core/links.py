"""Links to the page of an object with an ``int`` key (or a code of digits), reversed once per
URL name.

A list of fifty rows links each row to its page, and ``reverse`` for each was a twentieth of a
list page's CPU. The URL of such a page differs between keys only in the key, so it is reversed
once for a marker key and kept, per URL name and the URL configuration and script prefix that
decide it; each row's URL is then the two halves around its key.
"""

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = "9" * 18


@lru_cache(maxsize=1024)
def _halves(url_name: str, _urlconf, _prefix: str) -> tuple[str, str]:
    """The URL of ``url_name`` before and after its key (the cache's key holds what decides
    it)."""
    head, tail = reverse(url_name, args=[int(_MARKER)]).split(_MARKER)
    return head, tail


def url_of_each(url_name: str) -> Callable[[int | str], str]:
    """key → the URL ``url_name`` gives it: an ``int``, or a code of digits (a jurisdiction's),
    which a URL holds as it is."""
    head, tail = _halves(url_name, get_urlconf(), get_script_prefix())
    return lambda pk: f"{head}{pk}{tail}"


def detail_url(url_name: str, pk) -> str:
    """``reverse(url_name, args=[pk])``, without reversing again for an ``int`` key."""
    if type(pk) is not int:
        return reverse(url_name, args=[pk])
    head, tail = _halves(url_name, get_urlconf(), get_script_prefix())
    return f"{head}{pk}{tail}"

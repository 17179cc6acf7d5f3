"""The frame of every page: the header (menu, clock, day viewed, account, languages) and the
jurisdiction breadcrumb.

Every HTML page writes these, so they are written here in Python, as ``pingji.table_body``
writes a list's rows: through the template engine, the header's forty nodes, the menu's forty
entries, the breadcrumb's forms and the languages were half of a small page's CPU. The menu of a
role does not change while the process runs (``context_processors.nav_groups``), so its HTML is
kept per menu and only the current page is marked on each request. Every value is escaped.
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext

from .pingji import cell
from .pingji import escaped as _e

register = template.Library()

#: Menu HTML by the menu it was written from (the lists ``nav_groups`` keeps per role), at most
#: ``MENUS_KEPT`` of them (roles × languages are a few dozen).
MENUS_KEPT = 256
_MENU_HTML: dict[int, tuple[list, str]] = {}


def _menu_html(groups: list[dict]) -> str:
    kept = _MENU_HTML.get(id(groups))
    if kept is not None and kept[0] is groups:
        return kept[1]
    html = "".join(
        f'\n    <details class="nav-group" data-group="{_e(g["key"])}">\n'
        f"      <summary>{_e(g['label'])}</summary>\n"
        "      <ul>"
        + "".join(f'<li><a href="{_e(url)}">{_e(label)}</a></li>' for label, url in g["items"])
        + "</ul>\n    </details>"
        for g in groups
    )
    if len(_MENU_HTML) >= MENUS_KEPT:  # menus built per request (a service account's) add up
        _MENU_HTML.clear()
    _MENU_HTML[id(groups)] = (groups, html)  # the list itself kept, so its id is not reused
    return html


def _main_nav(context) -> str:
    """The menu's groups, the entry of the page shown marked ``aria-current``."""
    html = _menu_html(context.get("nav_groups") or [])
    current = f'<a href="{_e(context["request"].path)}">'
    return html.replace(current, current[:-1] + ' aria-current="page">')


@register.simple_tag(takes_context=True)
def page_header(context) -> SafeString:
    """The page's header: the brand; for a signed-in user past the code step the menu and the
    day viewed (docs/decisions/0030); the account; the language selector."""
    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    brand = f'<a class="brand" href="{_e(reverse("home"))}">平急 <small>Pingji</small></a>'
    parts = [f'<header class="top">\n  {brand}']
    if signed_in and not context.get("waiting_for_code"):
        parts.append(_menu_and_day(context))
    if signed_in:
        parts.append(_account(context, user))
    parts.append(_language_form(context))
    return mark_safe("\n  ".join(parts) + "\n</header>")


def _menu_and_day(context) -> str:
    """The menu (a checkbox opens it on a phone, with no script) and the day-viewed form."""
    menu, main = _e(gettext("Menu")), _e(gettext("Main"))
    return (
        '<input type="checkbox" id="menu-open" class="menu-open" aria-controls="main-nav">\n'
        '  <label for="menu-open" class="menu-button" id="menu-button"><span aria-hidden="true">'
        f"☰</span> {menu}</label>\n"
        f'  <nav class="main-nav" id="main-nav" aria-label="{main}">{_main_nav(context)}\n'
        f"  </nav>\n  {_day_viewed(context)}"
    )


def _day_viewed(context) -> str:
    """The platform's clock and the day the page is viewed as of, with the way back to today."""
    now, as_of = context.get("clock_now"), context.get("as_of")
    parameter = _e(context.get("as_of_parameter") or "as_of")
    # words read outside the f-strings, where makemessages finds them
    label, as_of_word, show, today = (
        _e(gettext("View as of a day")),
        _e(gettext("As of")),
        _e(gettext("Show")),
        _e(gettext("today")),
    )
    clock = ""
    if context.get("clock_offset") and now:
        title = _e(
            gettext(
                "The platform lives in a time of its own: every date and deadline reads this clock."
            )
        )
        platform_time = _e(gettext("Platform time"))
        clock = (
            f'\n    <span class="clock" id="platform-clock" title="{title}">'
            f"{platform_time} {cell(now)}</span>"
        )
    day = as_of or (timezone.localdate(now) if now else None)
    latest = f' max="{timezone.localdate(now).isoformat()}"' if now else ""
    return (
        f'<form method="get" class="as-of" id="day-viewed" aria-label="{label}">{clock}\n'
        f'    <label>{as_of_word} <input type="date" name="{parameter}" '
        f'value="{day.isoformat() if day else ""}"{latest}></label>\n'
        f'    <button class="secondary">{show}</button>\n'
        f'    <a href="?{parameter}=" class="today-link">{today}</a>\n  </form>'
    )


def _account(context, user) -> str:
    """Who is signed in, the password page (once past the code step) and the log-out button."""
    password_word, log_out = _e(gettext("Password")), _e(gettext("Log out"))
    password = (
        ""
        if context.get("waiting_for_code")
        else f'\n    <a href="{_e(reverse("password_change"))}" class="password-link">'
        f"{password_word}</a>"
    )
    return (
        f'<div class="who">\n    <span title="{_e(user.get_role_display())}">'
        f"{_e(user.username)}</span>{password}\n"
        f'    <form method="post" action="{_e(reverse("logout"))}" class="inline">'
        f'{_csrf_input(context)}<button class="link">{log_out}</button></form>'
        "\n  </div>"
    )


def _csrf_input(context) -> str:
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(context["csrf_token"])}">'


@register.simple_tag(takes_context=True)
def focus_crumbs(context) -> SafeString:
    """The way down to the jurisdiction in focus, each step a button that focuses it, then a
    switcher to the level below (both post to ``geo:set_focus`` and come back here)."""
    crumbs, children = context.get("breadcrumb") or [], context.get("focus_children") or []
    if not crumbs:
        return mark_safe("")
    action = _e(reverse("geo:set_focus"))
    token = _csrf_input(context)
    back = f'<input type="hidden" name="next" value="{_e(context["request"].get_full_path())}">'
    steps = [
        f'\n  <form method="post" action="{action}" class="inline">{token}\n'
        f'    <input type="hidden" name="code" value="{_e(j.code)}">{back}\n'
        f'    <button class="link{" current" if i == len(crumbs) - 1 else ""}">{_e(j.name)}'
        f"</button>\n  </form>{'' if i == len(crumbs) - 1 else ' › '}"
        for i, j in enumerate(crumbs)
    ]
    if children:
        options = "".join(f'<option value="{_e(c.code)}">{_e(c.name)}</option>' for c in children)
        switch, lower, go = (
            _e(gettext("Switch to a lower level")),
            _e(gettext("— lower level —")),
            _e(gettext("Go")),
        )
        steps.append(
            f'\n  <form method="post" action="{action}" class="inline switcher">{token}\n'
            f"    {back}\n"
            f'    <select name="code" aria-label="{switch}" data-autosubmit>\n'
            f'      <option value="">{lower}</option>\n'
            f"      {options}\n    </select>\n"
            f"    <noscript><button>{go}</button></noscript>\n  </form>"
        )
    label = _e(gettext("Jurisdiction"))
    return mark_safe(f'<nav class="crumbs" aria-label="{label}">{"".join(steps)}\n</nav>')


def _language_form(context) -> str:
    """The language selector: each language in its own name, since a reader who cannot read the
    page must still find theirs; it posts to ``set_language`` and comes back here."""
    current = get_language()
    label, go = _e(gettext("Language")), _e(gettext("Go"))
    options = "".join(
        f'<option value="{_e(code)}" lang="{_e(code)}"{" selected" if code == current else ""}>'
        f"{_e(get_language_info(code)['name_local'])}</option>"
        for code, _name in settings.LANGUAGES
    )
    return (
        f'<form action="{_e(reverse("set_language"))}" method="post" class="inline lang">'
        f"{_csrf_input(context)}\n"
        f'    <input name="next" type="hidden" value="{_e(context["request"].get_full_path())}">\n'
        f'    <select name="language" aria-label="{label}" data-autosubmit>\n'
        f"      {options}\n    </select>\n"
        f"    <noscript><button>{go}</button></noscript>\n  </form>"
    )

"""Template filters shared by every app."""

import datetime
import html

from django import template
from django.template.base import render_value_in_context
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from pingji.core import personal_data

register = template.Library()


def escaped(value) -> str:
    """``value`` escaped for HTML, as a plain ``str`` (for HTML written in Python).

    Plain text is escaped as Django's ``escape`` escapes it (``html.escape``), without its check
    of every argument for a lazy translation: a list page escapes a thousand cells, and the check
    cost more than the escaping. Anything else (safe HTML, lazy text, numbers) as Django does.
    """
    if type(value) is str:
        return html.escape(value)
    return str(conditional_escape(value))


@register.filter
def cell(value):
    """Show a table cell: local date-times, yes/no for booleans, blanks for None.

    The date-time is written by ``strftime``: "Y-m-d H:i" reads the same in every language, and
    Django's localised formatter costs ten times as much in a list of hundreds of cells.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "✓" if value else "—"
    return value


def _shown(value, context, dates: dict) -> str:
    """A cell's value as the template engine would write it: text and numbers directly, and
    each date localised once a page (``dates``), since a list repeats the same few days."""
    if isinstance(value, str):
        return escaped(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if type(value) is datetime.date:
        if value not in dates:
            dates[value] = render_value_in_context(value, context)
        return dates[value]
    return render_value_in_context(value, context)


@register.simple_tag(takes_context=True)
def table_body(context, rows) -> SafeString:
    """The rows of a list page's table (``core/object_list.html``): each cell as the template
    would write it — ``value|cell``, or a link to the row's page — labelled by its heading.

    Written here rather than by a template loop: a page of 50 rows has hundreds of cells, and
    the engine's lookups, filters and translated headings per cell were most of the page's CPU.
    Headings are translated once, each row's link is reversed once.
    """
    labels: dict[int, str] = {}
    dates: dict[datetime.date, str] = {}
    lines = []
    for obj, cells in rows:
        url = None
        tds = []
        for column, value in cells:
            label = labels.get(id(column))
            if label is None:
                label = labels[id(column)] = escaped(str(column.heading))
            if column.link:
                url = url or escaped(obj.get_absolute_url())
                shown = f'<a href="{url}">{_shown(value, context, dates)}</a>'
            else:
                shown = _shown(cell(value), context, dates)
            tds.append(f'<td data-label="{label}">{shown}</td>')
        lines.append(f"<tr>{''.join(tds)}</tr>")
    return mark_safe("\n".join(lines))  # every value and heading above is escaped


@register.simple_tag(takes_context=True)
def birth_or_age(context, person):
    """The birth date for holders of the reveal permission, else the age (decision 0031)."""
    born = getattr(person, "birth_date", None)
    if born is None:
        return ""
    if personal_data.may_see_birth_date(context.get("user")):
        return formats.date_format(born, "Y-m-d")
    return gettext("%(age)d years") % {"age": personal_data.age_of(born)}

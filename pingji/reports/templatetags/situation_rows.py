"""The rows of the situation room's tables, written in Python.

The situation room is opened all day on every level; through the template engine its rows (an
area's link and seven figures, a panel's items, each overdue task) were hundreds of nodes a page,
most of its CPU. They are written here instead, each value escaped; the headings and every
translated word stay in ``reports/_situation_body.html``.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from pingji.core.links import url_of_each
from pingji.core.templatetags.pingji import cell
from pingji.core.templatetags.pingji import escaped as _e

register = template.Library()


@register.simple_tag
def unit_rows(situation, screen=False) -> SafeString:
    """One row per area below: its name linking to its own situation on the same day, then its
    figures."""
    if not situation.units:
        return mark_safe("")
    url = url_of_each("reports:situation")
    query = f"?on={situation.on.isoformat()}" + ("&amp;screen=1" if screen else "")
    label = _e(gettext("area"))
    return mark_safe(
        "".join(
            f'<tr data-code="{_e(u["code"])}"><td data-label="{label}">'
            f'<a href="{_e(url(u["code"]))}{query}">{_e(u["name"])}</a></td>'
            + "".join(f"<td>{_e(v)}</td>" for v in u["values"])
            + "</tr>"
            for u in situation.units
        )
    )


@register.simple_tag
def panel_rows(items) -> SafeString:
    """A panel's indicators: label, since the start, this day."""
    return mark_safe(
        "".join(
            f'<tr data-key="{_e(i["key"])}"><td>{_e(i["label"])}</td><td>{_e(i["value"])}</td>'
            f"<td>{_e(i['today'])}</td></tr>"
            for i in items
        )
    )


@register.simple_tag
def overdue_rows(tasks) -> SafeString:
    """Each overdue task linking to its page, its owner and its deadline."""
    url = url_of_each("tasks:task_detail")
    return mark_safe(
        "".join(
            f'<tr><td><a href="{_e(url(t.pk))}">{_e(t.title)}</a></td>'
            f"<td>{_e(t.jurisdiction.name)}</td>"
            f"<td>{cell(t.deadline)}</td></tr>"
            for t in tasks
        )
    )

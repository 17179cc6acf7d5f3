"""The inbox's task cards, written in Python.

The inbox is the page every worker opens most, with a page of 50 cards; through the template
engine each card's fifteen nodes and four translations were most of the page's CPU. The cards
are written here instead, each value escaped (``tests`` of the inbox read them as before). The
view has worked out each card's ``url``, ``late``, ``status_label`` and ``kind_label`` once for the
page (``views.work._carded``).
"""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from pingji.core.templatetags.pingji import cell
from pingji.core.templatetags.pingji import escaped as _e

register = template.Library()


@register.simple_tag(takes_context=True)
def task_cards(context, tasks, reason: bool = False) -> SafeString:
    """One ``article.card`` per task; with ``reason``, a badge saying why the task is mine."""
    user = context["user"]
    said = {
        "overdue": _e(gettext("overdue")),
        "assigned": _e(gettext("assigned to you")),
        "escalated": _e(gettext("escalated to your level")),
        "yours": _e(gettext("your jurisdiction")),
        "deadline": _e(gettext("deadline")),
    }
    return mark_safe("\n".join(_card(task, user, said, reason) for task in tasks))


def _card(task, user, said: dict, reason: bool) -> str:
    badges = [f'<span class="badge overdue">{said["overdue"]}</span>'] if task.late else []
    done = " done" if task.status == "done" else ""
    badges.append(f'<span class="badge{done}">{_e(task.status_label)}</span>')
    badges.append(f'<span class="badge">{_e(task.kind_label)}</span>')
    if task.escalated_to_id:
        to = gettext("escalated to %(name)s") % {"name": _e(task.escalated_to.name)}
        badges.append(f'<span class="badge overdue">{to}</span>')
    if reason:
        if task.assignee_id == user.pk:
            why = said["assigned"]
        elif task.escalated_to_id and task.escalated_to_id == user.jurisdiction_id:
            why = said["escalated"]
        else:
            why = said["yours"]
        badges.append(f'<span class="badge">{why}</span>')
    owner = _e(task.jurisdiction.name)
    if task.department:
        owner += f" · {_e(task.get_department_display())}"
    if task.assignee_id:
        owner += f" · {_e(task.assignee)}"
    late = " late" if task.late else ""
    badge_lines = "\n    ".join(badges)
    return (
        f'<article class="card task{late}" id="task-{task.pk}" data-status="{_e(task.status)}">\n'
        f'  <a href="{_e(task.url)}"><strong>{_e(task.title)}</strong></a>\n'
        f'  <div class="badges">\n    {badge_lines}\n  </div>\n'
        f'  <div class="label">{owner}</div>\n'
        f'  <div class="label">{said["deadline"]} {_e(cell(task.deadline))}</div>\n'
        "</article>"
    )

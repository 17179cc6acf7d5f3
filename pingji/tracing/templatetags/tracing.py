from django import template
from django.utils.html import format_html

from pingji.tracing.deadlines import countdown as _countdown

register = template.Library()


@register.simple_tag
def countdown(due, done=None):
    text, state = _countdown(due, done)
    return format_html(
        '<span class="countdown {}" data-due="{}">{}</span>',
        state,
        due.isoformat() if due else "",
        text,
    )

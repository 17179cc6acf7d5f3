"""Template filters shared by every app."""

import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def cell(value):
    """Show a table cell: local date-times, yes/no for booleans, blanks for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, bool):
        return "✓" if value else "—"
    return value

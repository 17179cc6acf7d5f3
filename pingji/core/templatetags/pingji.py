"""Template filters shared by every app."""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext

from pingji.core import personal_data

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


@register.simple_tag(takes_context=True)
def birth_or_age(context, person):
    """The birth date for holders of the reveal permission, else the age (decision 0031)."""
    born = getattr(person, "birth_date", None)
    if born is None:
        return ""
    if personal_data.may_see_birth_date(context.get("user")):
        return formats.date_format(born, "Y-m-d")
    return gettext("%(age)d years") % {"age": personal_data.age_of(born)}

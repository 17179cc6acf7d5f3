"""The form renderer: Django's widget templates, with the widgets every page has written in Python.

Every list page carries a filter form, and Django writes each widget through its templates: a
select of 30 options is 30 template includes, each with its own attribute loop. On the list pages
that was a fifth of the page's CPU. The inputs, selects and empty error lists below are written
here instead, to the byte what Django's own templates write (``tests/core/test_form_renderer.py``
renders both and compares). Anything else, or anything unusual (an option with its own template,
a label that is not text), goes through the templates as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe

from .templatetags.pingji import escaped

WIDGETS = "django/forms/widgets/"
OPTION = WIDGETS + "select_option.html"
INPUTS = ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time")
ERROR_LISTS = ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html")
#: Django's own form templates: a project or app template of the same name replaces the writer.
DJANGO_FORMS = Path(django.__file__).parent / "forms" / "templates"


class Unusual(Exception):
    """A value the writers do not handle: the template writes it."""


def _text(value) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless already safe."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, bool | int | str | Promise):
        return escaped(str(value))
    raise Unusual


def _attrs(attrs: Mapping) -> str:
    """``attrs.html``: each attribute, bare when True, left out when False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    if option["template_name"] != OPTION:
        raise Unusual
    label = option["label"]
    if not isinstance(label, str | Promise | int) or isinstance(label, bool):
        raise Unusual
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(label)}</option>\n"
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _errors(context: dict) -> str:
    if context["errors"]:
        raise Unusual
    return ""


WRITERS: dict[str, Callable[[dict], str]] = {
    **{f"{WIDGETS}{kind}.html": lambda c: _input(c["widget"]) for kind in (*INPUTS, "checkbox")},
    WIDGETS + "select.html": lambda c: _select(c["widget"]),
    **dict.fromkeys(ERROR_LISTS, _errors),
}


class WidgetRenderer(DjangoTemplates):
    """``FORM_RENDERER``: the writers above for Django's own templates, the templates otherwise."""

    def __init__(self):
        super().__init__()
        self.writers = {name: w for name, w in WRITERS.items() if self._is_djangos(name)}

    def _is_djangos(self, template_name: str) -> bool:
        origin = Path(self.get_template(template_name).origin.name)
        return origin.is_relative_to(DJANGO_FORMS)

    def render(self, template_name, context, request=None):
        writer = self.writers.get(template_name)
        if writer is not None:
            try:
                return mark_safe(writer(context))  # every value above is escaped or was safe
            except Unusual:
                pass
        return super().render(template_name, context, request=request)

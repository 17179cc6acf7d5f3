"""The form renderer writes the common widgets to the byte as Django's own templates do."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from pingji.core.form_renderer import WidgetRenderer


class Everything(forms.Form):
    text = forms.CharField(required=False, max_length=20, help_text="x")
    number = forms.IntegerField(required=False, min_value=0)
    email = forms.EmailField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    flag = forms.BooleanField(required=False)
    kind = forms.ChoiceField(
        required=False, choices=[("", "---"), ("a", _("active")), ("b", 'Bob & "Co" <x>')]
    )
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("1", "apple"), ("2", "pear")]), ("3", "other"), (4, 4)]
    )
    many = forms.MultipleChoiceField(required=False, choices=[("x", "X"), ("y", "Y")])
    maybe = forms.NullBooleanField(required=False)
    radio = forms.ChoiceField(required=False, choices=[("r", "R")], widget=forms.RadioSelect)
    safe = forms.ChoiceField(required=False, choices=[("s", mark_safe("<b>bold</b>"))])


CASES = [
    {},
    {
        "text": '<script>alert("x")</script>',
        "number": "12",
        "email": "a@b.cn",
        "day": "2021-09-14",
        "when": "2021-09-14 08:00",
        "secret": "pw",
        "hidden": "h&h",
        "flag": "on",
        "kind": "b",
        "grouped": "2",
        "many": ["x", "y"],
        "maybe": "true",
        "radio": "r",
        "safe": "s",
    },
    {"number": "minus one", "email": "not an email", "grouped": "9", "day": "14/09/2021"},
]


def _written(form_data, renderer):
    form = Everything(
        form_data or None, renderer=renderer, initial={"when": datetime.datetime(2021, 9, 14, 8)}
    )
    if form_data:
        form.is_valid()
    return [(str(field), str(field.errors)) for field in form]


@pytest.mark.parametrize("data", CASES)
def test_every_widget_is_written_as_djangos_templates_write_it(data):
    assert _written(data, WidgetRenderer()) == _written(data, DjangoTemplates())


def test_the_writers_write_the_common_widgets_and_leave_the_rest_to_the_templates(monkeypatch):
    renderer = WidgetRenderer()
    templated = []
    original = DjangoTemplates.render
    monkeypatch.setattr(
        DjangoTemplates,
        "render",
        lambda self, name, *a, **k: templated.append(name) or original(self, name, *a, **k),
    )
    _written(CASES[0], renderer)
    # the radio buttons and the field's own help have no writer; everything else had one
    assert {name.rsplit("/", 1)[-1] for name in templated} <= {
        "radio.html",
        "radio_option.html",
        "input_option.html",
        "attrs.html",
        "input.html",
        "multiple_input.html",
    }
    assert any(name.endswith("radio.html") for name in templated)


def test_a_project_template_of_the_same_name_takes_the_writers_place(monkeypatch):
    monkeypatch.setattr(
        "pingji.core.form_renderer.DJANGO_FORMS", __import__("pathlib").Path("/nowhere")
    )
    assert WidgetRenderer().writers == {}

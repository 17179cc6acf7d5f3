"""The templates: every registered one renders with its declared fields, and a missing or unknown
field is refused by name."""

import pytest

from pingji.messaging import catalogue, texts
from pingji.messaging.catalogue import Template, TemplateFieldError


def sample_fields(template: Template) -> dict:
    return {name: f"〈{name}〉" for name in template.fields}


@pytest.mark.parametrize("key", sorted(catalogue.REGISTRY))
def test_every_registered_template_renders_with_its_declared_fields(key):
    template = catalogue.get(key)
    extra = {name: f"https://x/{name}" for name in template.send_time_fields}
    subject, body = template.render(sample_fields(template), extra)
    for name in template.fields:
        assert f"〈{name}〉" in subject + body
    assert "{" not in subject + body and "}" not in subject + body
    assert template.channels and set(template.channels) <= {"email", "sms", "im"}


def test_the_six_causes_and_the_reminder_are_registered_with_their_opt_out_rule():
    legal = {key: catalogue.get(key).legal for key in catalogue.REGISTRY}
    assert legal == {
        texts.DISPATCH_RECEIVED: True,
        texts.TASK_ESCALATED: True,
        texts.RELEASED: True,
        texts.RESUMED: True,
        texts.PAUSED: True,
        texts.AREA_PUBLISHED: False,
        texts.TEST_DUE: False,
    }


def test_a_missing_field_is_refused_by_name():
    template = catalogue.get(texts.TEST_DUE)
    with pytest.raises(TemplateFieldError, match=r"missing fields \['due_on'\]"):
        template.render({"person": "林**"})


def test_an_unknown_field_is_refused_by_name():
    template = catalogue.get(texts.TEST_DUE)
    with pytest.raises(TemplateFieldError, match=r"unknown fields \['id_number'\]"):
        template.render({"person": "林**", "due_on": "9月25日", "id_number": "x"})


def test_a_text_using_an_undeclared_field_is_refused_at_registration():
    with pytest.raises(TemplateFieldError, match="declares"):
        catalogue.register(
            Template("x.y", ("sms",), False, "s", "{person} {typo}", fields=("person",))
        )
    assert "x.y" not in catalogue.REGISTRY


def test_an_empty_send_time_field_leaves_its_line_out():
    template = catalogue.get(texts.RELEASED)
    fields = sample_fields(template)
    _s, with_link = template.render(fields, {"self_report_url": "https://p/s/abc"})
    _s, without = template.render(fields, {"self_report_url": ""})
    assert "每日健康自报：https://p/s/abc" in with_link
    assert "每日健康自报" not in without and len(without.splitlines()) == 3

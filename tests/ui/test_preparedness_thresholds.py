"""Early-warning thresholds edited in the browser: a bad value is refused, a good one saved."""

from decimal import Decimal

from playwright.sync_api import expect

from pingji.core.models import DomainEvent
from pingji.preparedness.models import WarningRule
from pingji.preparedness.tests.factories import RuleFactory
from pingji.users.choices import Role

from .browser import login, shot


def test_an_operator_edits_a_threshold_on_the_rule_page(new_page, make_user, tree):
    operator = make_user(Role.OPERATOR, "350322")
    rule = RuleFactory(jurisdiction=tree["350322"], ratio="2.00", min_increase=10)
    page = login(new_page(), operator, to=rule.get_absolute_url())
    form = page.locator("#rule")
    expect(form.locator("#id_ratio")).to_have_value("2.00")

    # when the operator types a negative minimum increase
    form.locator("#id_min_increase").fill("-5")
    form.get_by_role("button", name="Save the thresholds").click()

    # then the form says why and nothing is saved
    expect(page.locator("#rule")).to_contain_text("greater than or equal to 0")
    assert WarningRule.objects.get(pk=rule.pk).min_increase == 10

    # when they give a lower ratio and a larger minimum increase
    form = page.locator("#rule")
    form.locator("#id_ratio").fill("1.6")
    form.locator("#id_min_increase").fill("15")
    form.get_by_role("button", name="Save the thresholds").click()

    # then the page shows the new thresholds, saved and audited
    expect(page.locator(".msg-success")).to_contain_text("Thresholds saved.")
    expect(page.locator("#thresholds")).to_contain_text("1.60")
    expect(page.locator("#thresholds")).to_contain_text("15")
    saved = WarningRule.objects.get(pk=rule.pk)
    assert (saved.ratio, saved.min_increase) == (Decimal("1.60"), 15)
    assert DomainEvent.objects.filter(kind="preparedness.rule_saved", object_id=str(rule.pk))
    shot(page, "warning-rule-edited")

"""People pages in a browser: the phone layout, masked identity data, the reveal, hostile names."""

import datetime

import pytest
from playwright.sync_api import expect

from pingji.people.identity import compose_id_number
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

from .browser import login, no_page_scroll, pick, shot

GRID = "350322100001001"
NUMBER = compose_id_number("350322", datetime.date(1990, 3, 8), 202)
#: How every page shows it without a reveal.
MASKED = "350322" + "*" * 11 + NUMBER[-1]  # region and check character only (decision 0031)
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture
def resident(tree):
    household = HouseholdFactory(jurisdiction=tree[GRID], address="东门路88号3栋2单元1201室")
    return PersonFactory(name="林芳", id_number=NUMBER, phone="13912345678", household=household)


def test_the_person_list_is_a_stack_of_cards_on_a_phone(new_page, tree, make_user, resident):
    # given a few more residents with long addresses
    for n in range(4):
        household = HouseholdFactory(
            jurisdiction=tree[GRID],
            address=f"仙游县鲤城街道东门社区东门路{n}号金山花园{n}栋二单元1201室",
        )
        PersonFactory(household=household)

    # when a grid worker opens the list on a phone
    page = new_page(phone=True)
    login(page, make_user(Role.GRID_WORKER, GRID), to="/people/")

    # then every person is a card of labelled lines: no table header, rows stacked
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("table.list thead")).to_be_hidden()
    assert rows.first.evaluate("tr => getComputedStyle(tr).display") == "block"
    label = page.locator("table.list tbody td").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"full name"'
    # and the page does not scroll sideways
    assert no_page_scroll(page)
    shot(page, "people-phone")


def test_the_detail_shows_the_number_masked_and_a_revealer_sees_it_once(page, make_user, resident):
    # given an epidemiologist, who holds the reveal permission, on the person's page
    login(page, make_user(Role.EPIDEMIOLOGIST, "350322"), to=resident.get_absolute_url())
    fields = page.locator("main dl.fields").first

    # then the identity number and phone are masked
    expect(fields).to_contain_text(MASKED)
    expect(fields).to_contain_text(resident.phone_masked)
    expect(page.locator("main")).not_to_contain_text(NUMBER)

    # when they ask to reveal without a reason
    reveal = page.locator("form[action$='/reveal/']")
    reveal.locator("button").click()

    # then the reason is asked for and nothing is shown
    expect(reveal.locator(".errorlist")).to_contain_text("required")
    expect(page.locator("main")).not_to_contain_text(NUMBER)

    # when they give a reason
    page.fill("#id_reason", "流调核实身份")
    page.locator("form[action$='/reveal/'] button").click()

    # then the full number and phone are shown, with the warning that this was recorded
    revealed = page.locator("#revealed")
    expect(revealed).to_contain_text(NUMBER)
    expect(revealed).to_contain_text("13912345678")
    expect(revealed).to_contain_text("recorded in the audit log")

    # and the timeline of the person records the reveal with its reason
    expect(page.locator("main table.list")).to_contain_text("流调核实身份")

    # when the page is opened again, the number is masked again
    page.goto(resident.get_absolute_url())
    expect(page.locator("main")).not_to_contain_text(NUMBER)
    expect(page.locator("main")).to_contain_text(MASKED)


def test_without_the_permission_there_is_no_reveal_button(page, make_user, resident):
    # when a county operator (no reveal permission) opens the person
    login(page, make_user(Role.OPERATOR, "350322"), to=resident.get_absolute_url())

    # then the number is masked and no reveal form is offered
    expect(page.locator("main h1")).to_contain_text("林芳")
    expect(page.locator("main")).to_contain_text(MASKED)
    expect(page.locator("form[action$='/reveal/']")).to_have_count(0)
    expect(page.get_by_role("button", name="Reveal")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(NUMBER)


def test_a_hostile_name_is_shown_as_text(page, tree, make_user):
    # given a county operator watching for any script dialog
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, make_user(Role.OPERATOR, "350322"), to="/people/persons/new/")

    # when they register a person whose name is markup
    page.fill("#id_name", HOSTILE)
    pick(page, "jurisdiction", "东门一")
    expect(page.locator("#id_jurisdiction_key")).to_have_value(GRID)
    page.get_by_role("button", name="Save").click()

    # then the person's page shows the name as typed, in the heading, the message and timeline
    expect(page.locator("main h1")).to_contain_text(HOSTILE)
    expect(page.locator(".msg-success")).to_contain_text(HOSTILE)
    expect(page.locator("main table.list")).to_contain_text(HOSTILE)

    # and the list shows it as text too
    page.goto("/people/")
    expect(page.locator("table.list tbody")).to_contain_text(HOSTILE)

    # and nothing of it ran: no dialog, no injected element
    assert dialogs == []
    assert page.locator("main script, main img").count() == 0

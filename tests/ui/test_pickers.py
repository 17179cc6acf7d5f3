"""Pickers in the browser: type a name, tell two namesakes apart, choose one by keyboard on a
desktop and by touch on a 375 px phone; the chosen key is posted and shown again."""

import datetime

from playwright.sync_api import Page, expect

from pingji.people.identity import compose_id_number
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

from .browser import login, no_page_scroll, shot

GRIDS = ("350322100001001", "350322100001002")


def namesakes(tree):
    """Two 陈明 of 仙游县, one in each grid of 东门社区, born 1985 and 1962."""
    return [
        PersonFactory(
            name="陈明",
            household=HouseholdFactory(jurisdiction=tree[grid]),
            id_number=compose_id_number("350322", born, serial),
        )
        for grid, born, serial in zip(
            GRIDS, (datetime.date(1985, 7, 14), datetime.date(1962, 3, 2)), (11, 13), strict=True
        )
    ]


def type_a_name(page: Page) -> None:
    page.goto("/quarantine/place/")
    box = page.locator("#id_person")
    box.click()
    box.press_sequentially("陈明")
    expect(page.locator("#id_person_list [role=option]")).to_have_count(2)


def chosen_again_after_posting(page: Page, person) -> None:
    """The form refused for its other fields shows the chosen person again, key and label."""
    page.locator("form button").last.click()
    expect(page.locator("#id_person_key")).to_have_value(str(person.pk))
    assert "东门二网格" in page.locator("#id_person").input_value()


def test_a_person_is_picked_by_keyboard_on_a_desktop(page, tree, make_user):
    first, second = namesakes(tree)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    login(page, make_user(Role.OPERATOR, "350322"), to="/quarantine/place/")
    type_a_name(page)
    options = page.locator("#id_person_list [role=option]")
    # then the namesakes are told apart by their grids
    expect(options.filter(has_text="东门一网格")).to_have_count(1)
    expect(options.filter(has_text="东门二网格")).to_have_count(1)
    second_index = 0 if "东门二网格" in options.nth(0).inner_text() else 1
    # when the arrow keys reach the second grid's 陈明 and Enter chooses (not submits)
    for _ in range(second_index + 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#id_person_list")).to_be_hidden()
    expect(page.locator("#id_person_key")).to_have_value(str(second.pk))
    assert page.url.endswith("/quarantine/place/")
    shot(page, "picker-desktop")
    chosen_again_after_posting(page, second)
    # the script is a file: the Content-Security-Policy had nothing to refuse
    assert not [line for line in console if "Content Security Policy" in line], console


def test_a_person_is_picked_by_touch_on_a_phone(new_page, tree, make_user):
    _first, second = namesakes(tree)
    page = new_page(phone=True)
    login(page, make_user(Role.OPERATOR, "350322"), to="/quarantine/place/")
    type_a_name(page)
    option = page.locator("#id_person_list [role=option]", has_text="东门二网格")
    # each match is a finger's height and the list stays inside the phone's width
    box = option.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 375
    assert no_page_scroll(page)
    shot(page, "picker-phone")
    option.tap()
    expect(page.locator("#id_person_key")).to_have_value(str(second.pk))
    # typing again forgets the choice: only a listed row is ever posted
    page.locator("#id_person").fill("陈")
    expect(page.locator("#id_person_key")).to_have_value("")
    page.locator("#id_person").press_sequentially("明")
    option.tap()
    expect(page.locator("#id_person_key")).to_have_value(str(second.pk))
    chosen_again_after_posting(page, second)


def test_an_identity_number_typed_in_a_picker_points_to_the_search(page, tree, make_user):
    login(page, make_user(Role.OPERATOR, "350322"), to="/quarantine/place/")
    page.goto("/quarantine/place/")
    page.locator("#id_person").press_sequentially("13812345678")
    expect(page.locator("#id_person_status")).to_contain_text("identity search")
    expect(page.locator("#id_person_list")).to_be_hidden()

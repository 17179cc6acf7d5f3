"""Pickers of several rows and suggested rows, in the browser: each place chosen in the search
becomes a ticked box, unticking drops it, and a refused form shows the ticked ones again; the
merge tool offers the likely duplicates as buttons that choose with one press."""

from playwright.sync_api import Page, expect

from pingji.geo.choices import PlaceKind
from pingji.geo.tests.factories import PlaceFactory
from pingji.people.models import Person
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

from .browser import login, no_page_scroll, shot

GRIDS = ("350322100001001", "350322100001002")


def choose(page: Page, text: str, option: str) -> None:
    box = page.locator("#id_places")
    box.press_sequentially(text)
    page.locator("#id_places_list [role=option]", has_text=option).click()
    expect(box).to_have_value("")  # emptied for the next one


def test_several_places_are_picked_and_one_dropped(new_page, tree, make_user):
    east, violet = (
        PlaceFactory(jurisdiction=tree[grid], kind=PlaceKind.COMPOUND, name=name)
        for grid, name in zip(GRIDS, ("东门小区", "紫霞小区"), strict=True)
    )
    page = login(new_page(), make_user(Role.EPIDEMIOLOGIST, "350322"), to="/areas/new/")
    chosen = page.locator("#id_places_chosen input[type=checkbox]")

    # when two compounds are chosen from the search, one after the other
    choose(page, "小区", "东门小区")
    choose(page, "紫霞", "紫霞小区")
    expect(chosen).to_have_count(2)
    # choosing one again adds no second box
    choose(page, "东门", "东门小区")
    expect(chosen).to_have_count(2)
    # and the second is unticked
    page.locator("#id_places_chosen label", has_text="紫霞小区").click()
    expect(chosen.nth(1)).not_to_be_checked()
    shot(page, "picker-many-desktop")

    # then the form, refused for its missing fields, shows the ticked compound only
    page.locator("form button").last.click()
    expect(chosen).to_have_count(1)
    expect(chosen.first).to_have_value(str(east.pk))
    expect(chosen.first).to_be_checked()
    expect(page.locator("#id_places_chosen")).not_to_contain_text(violet.name)


def test_the_chosen_places_fit_a_phone(new_page, tree, make_user):
    PlaceFactory(jurisdiction=tree[GRIDS[0]], kind=PlaceKind.COMPOUND, name="东门小区" * 6)
    page = new_page(phone=True)
    login(page, make_user(Role.EPIDEMIOLOGIST, "350322"), to="/areas/new/")
    choose(page, "东门", "东门小区")
    chip = page.locator("#id_places_chosen label").first.bounding_box()
    assert chip is not None and chip["height"] >= 44 and chip["x"] + chip["width"] <= 375
    assert no_page_scroll(page)
    shot(page, "picker-many-phone")


def test_a_likely_duplicate_is_merged_with_one_press(new_page, tree, make_user):
    household = HouseholdFactory(jurisdiction=tree[GRIDS[0]])
    keep, duplicate = (
        PersonFactory(name="陈明", id_number=None, household=household) for _ in range(2)
    )
    page = login(
        new_page(), make_user(Role.EPIDEMIOLOGIST, "350322"), to=f"/people/persons/{keep.pk}/merge/"
    )
    shot(page, "picker-suggestions")
    page.locator(".picker-suggestion").click()
    expect(page.locator("#id_duplicate_key")).to_have_value(str(duplicate.pk))
    expect(page.locator("#id_duplicate")).to_have_value(
        page.locator(".picker-suggestion").inner_text()
    )
    page.get_by_role("button", name="Merge into this record").click()
    expect(page.locator(".msg-success")).to_contain_text("Merged")
    assert not Person.objects.filter(pk=duplicate.pk).exists()

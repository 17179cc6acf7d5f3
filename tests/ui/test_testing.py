"""Mass testing in the browser: a county operator uploads a sampling file (a bad one is refused
with its rows named, the good one fills the coverage), and the grid worker opens the list of
residents not yet tested on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.testing.actions.rounds import do_create_campaign, do_open_round
from pingji.users.choices import Role

from .browser import login, no_page_scroll, shot

GRID = "350322100001001"


@pytest.fixture
def stores(settings, tmp_path):
    settings.ANALYTIC_DIR = tmp_path / "analytic"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_BACKEND = "sync"


@pytest.fixture
def round_(stores, make_user, tree):
    operator = make_user(Role.OPERATOR, "350322")
    people = [
        PersonFactory(
            name=f"居民{i}",
            household=HouseholdFactory(jurisdiction=tree[GRID], address=f"东门路{i // 2}号"),
        )
        for i in range(6)
    ]
    campaign = do_create_campaign(
        actor=operator, name="仙游县全员核酸", jurisdiction=tree["350322"], areas=[tree[GRID]]
    )
    start = timezone.make_aware(datetime.datetime(2021, 9, 11, 6))
    return operator, people, do_open_round(campaign, actor=operator, starts_at=start)


def test_an_operator_uploads_sampling_and_a_grid_worker_follows_up_on_a_phone(
    new_page, make_user, round_, tmp_path
):
    operator, people, rnd = round_
    bad = tmp_path / "bad.csv"
    bad.write_text(f"barcode,person,sampled_at\nT0000001,{people[0].pk},not a time\n")
    good = tmp_path / "good.csv"
    good.write_text(
        "barcode,person,sampled_at\n"
        + "".join(f"T0000002,{p.pk},2021-09-11 09:00\n" for p in people[:4])
    )
    page = login(new_page(), operator, to=rnd.get_absolute_url())

    # when the operator uploads a file with a bad time, it is refused and the row is named
    page.select_option("#id_kind", "sampling")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".msg-success")).to_contain_text("File queued")
    page.locator("#uploads").get_by_role("link", name="bad.csv").click()
    expect(page.locator("#problems")).to_contain_text("not a date and time")
    page.go_back()

    # when the good file is uploaded, coverage shows 4 of 6 sampled in the grid
    page.select_option("#id_kind", "sampling")
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#progress")).to_contain_text("4 / 6")
    expect(page.locator("#coverage")).to_contain_text("2")
    shot(page, "testing-round")

    # then the grid worker's phone lists the two residents not yet tested, fitting the screen
    worker = make_user(Role.GRID_WORKER, GRID)
    phone = login(new_page(phone=True), worker, to="/testing/")
    phone.get_by_role("link", name="Residents not yet tested").click()
    cards = phone.locator("#untested > li")
    expect(cards).to_have_count(2)
    expect(phone.locator("#untested")).to_contain_text(people[5].name)
    assert no_page_scroll(phone)
    shot(phone, "testing-untested-phone")

"""Pages and API: site managers see only their site, the grid worker's list, imports, bad input."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.quarantine.actions.placement import do_place_person
from pingji.quarantine.actions.sites import do_assign_staff, do_create_site
from pingji.quarantine.models import MonitoringCheck, Placement, ScheduledTest, Site
from pingji.quarantine.tests.factories import PlacementFactory
from pingji.users.choices import Role

from .conftest import GRID, sep

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def two_sites(tree, operator, manager, resident, neighbour):
    a = do_create_site(
        actor=operator, name="A酒店", kind="hotel", jurisdiction=tree["350322"], rooms=2
    )
    b = do_create_site(
        actor=operator, name="B酒店", kind="hotel", jurisdiction=tree["350322"], rooms=2
    )
    do_assign_staff(a, actor=operator, user=manager)
    pa = do_place_person(
        actor=operator, person=resident, exposure_at=sep(10), site=a, placed_at=sep(12)
    )
    pb = do_place_person(
        actor=operator, person=neighbour, exposure_at=sep(10), site=b, placed_at=sep(12)
    )
    return a, b, pa, pb


def test_a_site_manager_sees_only_their_site(two_sites, manager, operator, client, api):
    a, b, pa, pb = two_sites
    assert list(Site.objects.restrict(manager)) == [a]
    assert list(Placement.objects.restrict(manager)) == [pa]
    assert set(ScheduledTest.objects.restrict(manager).values_list("placement", flat=True)) == {
        pa.pk
    }
    assert set(Placement.objects.restrict(operator)) == {pa, pb}
    client.force_login(manager)
    assert client.get(pa.get_absolute_url()).status_code == 200
    assert client.get(pb.get_absolute_url()).status_code == 404
    assert client.get(reverse("quarantine:site_detail", args=[b.pk])).status_code == 404
    listed = api(manager).get("/api/quarantine/placements/").json()
    assert [r["id"] for r in listed["results"]] == [pa.pk]
    assert api(manager).get(f"/api/quarantine/placements/{pb.pk}/").status_code == 404
    # and cannot place anyone at the other site
    other = PersonFactory(household=HouseholdFactory(jurisdiction=a.jurisdiction))
    with pytest.raises(ValidationError):
        do_place_person(actor=manager, person=other, exposure_at=sep(10), site=b, placed_at=sep(12))
    assert not Placement.objects.filter(person=other).exists()


def test_a_site_manager_of_no_site_sees_nothing(two_sites, make_user):
    idle = make_user(Role.SITE_MANAGER, "350322", username="idle")
    assert (
        not Placement.objects.restrict(idle).exists() and not Site.objects.restrict(idle).exists()
    )


def test_placing_through_the_api_and_its_bad_input(api, operator, resident, hotel):
    client = api(operator)
    body = {
        "person": resident.pk,
        "exposure_at": sep(10).isoformat(),
        "site": hotel.pk,
        "placed_at": sep(12, 20).isoformat(),
    }
    made = client.post("/api/quarantine/placements/", body, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["planned_end_on"] == "2021-10-01"
    again = client.post("/api/quarantine/placements/", body, format="json")
    assert again.status_code == 400 and "already under" in again.json()["person"][0]
    hostile = client.post(
        "/api/quarantine/placements/", {**body, "person": "1; DROP TABLE"}, format="json"
    )
    assert hostile.status_code == 400
    assert Placement.objects.count() == 1


def test_checks_and_results_through_the_api(api, operator, placed):
    client = api(operator)
    ok = client.post(
        "/api/quarantine/checks/",
        {"placement": placed.pk, "on": "2021-09-13", "temperature": "36.7"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    twice = client.post(
        "/api/quarantine/checks/",
        {"placement": placed.pk, "on": "2021-09-13", "temperature": "36.7"},
        format="json",
    )
    assert twice.status_code == 400 and "already recorded" in twice.json()["on"][0]
    bad = client.post(
        f"/api/quarantine/placements/{placed.pk}/result/",
        {"result": "maybe", "sampled_at": sep(13).isoformat()},
        format="json",
    )
    assert bad.status_code == 400
    early = client.post(
        f"/api/quarantine/placements/{placed.pk}/result/",
        {"result": "negative", "sampled_at": sep(11).isoformat()},
        format="json",
    )
    assert early.status_code == 400 and "before the placement" in early.json()["sampled_at"][0]
    assert (
        MonitoringCheck.objects.count() == 1 and not placed.tests.exclude(status="pending").exists()
    )
    eligibility = client.get(f"/api/quarantine/placements/{placed.pk}/eligibility/").json()
    assert eligibility["eligible"] is False and eligibility["reasons"]


def test_the_release_page_refuses_with_reasons(client, operator, placed):
    client.force_login(operator)
    page = client.get(placed.get_absolute_url())
    assert b"Not yet eligible for release." in page.content
    refused = client.post(reverse("quarantine:release", args=[placed.pk]), {})
    assert refused.status_code == 400 and b"No negative result yet" in refused.content
    assert not placed.releases.exists()


def _sheet(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_importing_results_all_or_nothing(client, operator, placed, neighbour):
    client.force_login(operator)
    url = reverse("quarantine:import")
    number = placed.person.reveal()["id_number"]
    other = neighbour.reveal()["id_number"]
    bad = _sheet(
        [
            ["身份证号", "采样时间", "检测结果"],
            [number, "2021-09-13 08:00", "阴性"],
            [number, "2021-09-13 09:00", "阴性"],  # same person and day
            [other, "2021-09-13 08:00", "阴性"],  # not under placement
            ["110101199003077777", "2021-09-13 08:00", "阴性"],  # nobody
            [number, "yesterday", "阴性"],
            [number, "2021-09-14 08:00", "<b>?</b>"],
        ]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(url, {"file": SimpleUploadedFile("r.xlsx", bad)})
    assert answer.status_code == 400
    assert answer.content.count(b"<tr><td>") == 5
    assert not placed.tests.exclude(status="pending").exists()
    good = "身份证号,采样时间,检测结果\n" + f"{number},2021-09-13 08:00,阴性\n"
    answer = client.post(url, {"file": SimpleUploadedFile("r.csv", good.encode())})
    assert answer.status_code == 302
    assert placed.tests.get(day=1).status == "negative"


def test_the_grid_workers_list_puts_the_overdue_first_and_checks_in(client, tree, grid_worker):
    today = timezone.localdate()
    now = timezone.now()
    people = [
        PersonFactory(name=n, household=HouseholdFactory(jurisdiction=tree[GRID]))
        for n in ("甲", "乙", "丙")
    ]
    common = {
        "setting": "home",
        "exposure_on": today - datetime.timedelta(days=15),
        "planned_release_on": today - datetime.timedelta(days=1),
        "planned_end_on": today + datetime.timedelta(days=6),
    }
    done = PlacementFactory(
        person=people[0], placed_at=now - datetime.timedelta(days=14), last_check_on=today, **common
    )
    late = PlacementFactory(
        person=people[1],
        placed_at=now - datetime.timedelta(days=14),
        last_check_on=today - datetime.timedelta(days=3),
        **common,
    )
    todo = PlacementFactory(
        person=people[2],
        placed_at=now - datetime.timedelta(days=14),
        last_check_on=today - datetime.timedelta(days=1),
        **common,
    )
    client.force_login(grid_worker)
    page = client.get(reverse("quarantine:today"))
    order = [int(x) for x in __import__("re").findall(rb'data-placement="(\d+)"', page.content)]
    assert order == [late.pk, todo.pk, done.pk]
    answer = client.post(
        reverse("quarantine:check", args=[todo.pk]), {"temperature": "36.5", "next_page": "today"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("quarantine:today")
    todo.refresh_from_db()
    assert todo.last_check_on == today


def test_capacity_and_protocol_pages_render(client, operator, placed):
    client.force_login(operator)
    page = client.get(reverse("quarantine:capacity"))
    assert page.status_code == 200 and "仙游宾馆" in page.content.decode()
    changes = client.get(reverse("quarantine:protocol_changes"))
    assert changes.status_code == 200 and f'value="{placed.pk}"' in changes.content.decode()
    refused = client.post(
        reverse("quarantine:protocol_changes"), {"placements": [placed.pk], "reason": ""}
    )
    assert refused.status_code == 400
    placed.refresh_from_db()
    assert placed.planned_end_on == D(2021, 10, 1)


def test_placing_and_registering_a_site_through_the_pages(client, operator, resident, tree):
    client.force_login(operator)
    site = client.post(
        reverse("quarantine:site_create"),
        {"name": "鲤城酒店", "kind": "hotel", "jurisdiction": "350322", "rooms": "2"},
    )
    assert site.status_code == 302
    hotel = Site.objects.get(name="鲤城酒店")
    assert hotel.rooms.count() == 2
    form = client.get(reverse("quarantine:placement_create") + f"?person={resident.pk}")
    assert form.status_code == 200
    body = {
        "person": resident.pk,
        "category": "close_contact",
        "exposure_at": "2021-09-10T15:00",
        "placed_at": "2021-09-12T20:00",
    }
    missing_site = client.post(reverse("quarantine:placement_create"), body)
    assert missing_site.status_code == 400 and b"choose a site" in missing_site.content
    assert not Placement.objects.exists()
    placed = client.post(reverse("quarantine:placement_create"), {**body, "site": hotel.pk})
    assert placed.status_code == 302
    assert Placement.objects.get().site == hotel


def test_a_results_file_with_an_endless_cell_is_refused_and_records_nothing(
    client, operator, placed
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(operator)
    number = placed.person.reveal()["id_number"]
    hostile = (
        f"身份证号,采样时间,检测结果\n{number},2021-09-13 08:00,阴性\n"
        + f"{number},2021-09-14 08:00,"
        + "阴" * 200_000
        + "\n"
    )
    answer = client.post(
        reverse("quarantine:import"), {"file": SimpleUploadedFile("r.csv", hostile.encode())}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "longer than 128 KB" in page and "阴" * 100 not in page
    assert not placed.tests.exclude(status="pending").exists()


def test_a_results_file_over_its_limit_is_refused_before_it_is_read(client, operator, placed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pingji.quarantine.actions.imports import MAX_UPLOAD_BYTES

    client.force_login(operator)
    big = b"a" * (MAX_UPLOAD_BYTES + 1)
    answer = client.post(reverse("quarantine:import"), {"file": SimpleUploadedFile("r.csv", big)})
    assert answer.status_code == 400 and "larger than" in answer.content.decode()
    assert not placed.tests.exclude(status="pending").exists()


def test_the_site_page_lists_rooms_in_natural_order(client, operator, tree):
    site = do_create_site(
        actor=operator, name="枫亭宾馆", kind="hotel", jurisdiction=tree["350322"], rooms=12
    )
    client.force_login(operator)
    page = client.get(site.get_absolute_url()).content.decode()
    shown = re.findall(r'<span class="tag">(\d+)', page)
    assert shown == [str(n) for n in range(1, 13)]  # 2 before 10, not "1, 10, 11, 12, 2…"

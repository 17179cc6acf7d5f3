"""The API and pages of resources: bad input answers per field and saves nothing."""

from pingji.resources.models import Batch, Facility, Movement, Store


def test_api_stock_steps(api, store, mask, operator, outsider):
    url = f"/api/resources/stores/{store.pk}/"
    ok = api(operator).post(
        url + "receive/",
        {"item": mask.pk, "lot": "A", "quantity": 50, "expires_on": "2030-01-01"},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()[0]["delta"] == 50
    over = api(operator).post(
        url + "issue/", {"item": mask.pk, "quantity": 51, "reason": "x"}, format="json"
    )
    assert over.status_code == 400 and "quantity" in over.json()
    neg = api(operator).post(
        url + "issue/", {"item": mask.pk, "quantity": -1, "reason": "x"}, format="json"
    )
    assert neg.status_code == 400
    junk = api(operator).post(url + "issue/", {"item": "<b>", "quantity": "x"}, format="json")
    assert junk.status_code == 400
    assert (
        api(outsider)
        .post(url + "issue/", {"item": mask.pk, "quantity": 1, "reason": "x"}, format="json")
        .status_code
        == 404
    )
    assert Movement.objects.count() == 1 and Batch.objects.get().quantity == 50


def test_api_registers_validate(api, tree, operator):
    made = api(operator).post(
        "/api/resources/facilities/",
        {
            "jurisdiction": "350322",
            "name": "仙游县医院",
            "kind": "designated_hospital",
            "general_beds": 300,
            "icu_beds": 20,
        },
        format="json",
    )
    assert made.status_code == 201
    assert (
        api(operator)
        .post(
            "/api/resources/facilities/",
            {"jurisdiction": "350322", "name": "x", "kind": "castle"},
            format="json",
        )
        .status_code
        == 400
    )
    assert (
        api(operator)
        .post(
            "/api/resources/facilities/",
            {"jurisdiction": "350206", "name": "x", "kind": "lab"},
            format="json",
        )
        .json()
        .keys()
        == {"jurisdiction"}  # another county does not exist for this operator
    )
    assert (
        api(operator)
        .post(
            "/api/resources/stores/",
            {"jurisdiction": "350322", "name": "A", "kind": "cdc"},
            format="json",
        )
        .status_code
        == 201
    )
    dup = api(operator).post(
        "/api/resources/stores/",
        {"jurisdiction": "350322", "name": "A", "kind": "cdc"},
        format="json",
    )
    assert dup.status_code == 400
    assert Facility.objects.count() == 1 and Store.objects.count() == 1


def test_pages(client, store, mask, operator):
    client.force_login(operator)
    page = client.post(
        f"/resources/stores/{store.pk}/issue/", {"item": mask.pk, "quantity": 5, "reason": "clinic"}
    )
    assert page.status_code == 400 and "Only 0" in page.content.decode()
    good = client.post(
        f"/resources/stores/{store.pk}/receive/",
        {"item": mask.pk, "quantity": 5, "lot": "Z", "expires_on": "2030-01-01"},
    )
    assert good.status_code == 302
    assert client.get("/resources/reserves/").status_code == 200
    assert client.get("/resources/stores/").status_code == 200
    assert client.get("/resources/facilities/").status_code == 200
    assert client.get("/api/resources/reserves/?on=2021-09-01").status_code == 200


def test_capacity_use_reads_open_infections(tree, operator):
    import datetime

    from django.utils import timezone

    from pingji.cases.tests.factories import CaseFactory
    from pingji.people.tests.factories import HouseholdFactory, PersonFactory
    from pingji.resources.capacity import capacity_use

    from .factories import FacilityFactory

    FacilityFactory(jurisdiction=tree["350322"], general_beds=90, icu_beds=10)
    CaseFactory(
        person=PersonFactory(household=HouseholdFactory(jurisdiction=tree["350322100001001"]))
    )
    at = timezone.make_aware(datetime.datetime(2021, 9, 20))
    beds = capacity_use("350322", at)[0]
    assert (beds.capacity, beds.in_use, beds.percent) == (100, 1, 1)
    assert capacity_use("350206", at)[0].in_use == 0

"""The tracing API: open, record, add, search, accept/reject; scoped and validated."""

import pytest

from pingji.core.crypto import lookup_hash
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.models import Contact, Investigation, ProposedContact

from .factories import ExposureFactory, ProposedContactFactory

pytestmark = pytest.mark.django_db


def test_open_record_and_add_through_the_api(api, case, epi, neighbour):
    client = api(epi)
    response = client.post("/api/tracing/investigations/", {"case": case.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (
        body["core_due_at"].startswith("2021-09-12T13:00") and body["lookback_from"] == "2021-09-08"
    )
    again = client.post("/api/tracing/investigations/", {"case": case.pk}, format="json")
    assert again.status_code == 409 and "already has an investigation" in str(again.json())
    inv = body["id"]
    response = client.post(
        "/api/tracing/exposures/",
        {
            "investigation": inv,
            "place_text": "家中",
            "started_at": "2021-09-11T12:00:00+08:00",
            "ended_at": "2021-09-11T20:00:00+08:00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = client.post(
        "/api/tracing/contacts/",
        {
            "investigation": inv,
            "person": neighbour.pk,
            "tier": "close_contact",
            "setting": "household",
            "last_exposure_at": "2021-09-01T20:00:00+08:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "look-back window" in response.json()["last_exposure_at"][0]
    assert not Contact.objects.exists()
    response = client.post(f"/api/tracing/investigations/{inv}/complete_core/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "core_done"


def test_opening_a_case_outside_the_area_is_refused(api, case, huli_epi):
    response = api(huli_epi).post("/api/tracing/investigations/", {"case": case.pk}, format="json")
    assert response.status_code == 400 and "case" in response.json()
    assert not Investigation.objects.exists()


def test_accept_and_reject_through_the_api(api, case, epi, neighbour, huli_epi):
    inv = do_open_investigation(case, actor=epi)
    exposure = ExposureFactory(investigation=inv)
    known = ProposedContactFactory(exposure=exposure, id_hash=lookup_hash("x"), person=neighbour)
    other = ProposedContactFactory(exposure=exposure)
    assert (
        api(huli_epi).post(f"/api/tracing/proposed-contacts/{known.pk}/accept/").status_code == 404
    )
    response = api(epi).post(f"/api/tracing/proposed-contacts/{known.pk}/accept/")
    assert response.status_code == 200 and response.json()["person"] == neighbour.pk
    response = api(epi).post(
        f"/api/tracing/proposed-contacts/{other.pk}/reject/", {}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    response = api(epi).post(
        f"/api/tracing/proposed-contacts/{other.pk}/reject/",
        {"reason": "other floor"},
        format="json",
    )
    assert response.json()["status"] == "rejected"
    assert ProposedContact.objects.get(pk=known.pk).status == "accepted"


def test_proposals_never_hand_out_the_keyed_hashes(api, case, epi, neighbour):
    inv = do_open_investigation(case, actor=epi)
    secret = lookup_hash("x")
    known = ProposedContactFactory(
        exposure=ExposureFactory(investigation=inv), id_hash=secret, person=neighbour
    )
    response = api(epi).get(f"/api/tracing/proposed-contacts/{known.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert "id_hash" not in body and "phone_hash" not in body and secret not in str(body)
    assert body["identified_by"] == ["id_number"] and body["person"] == neighbour.pk

"""The investigation pages: list, detail, open from the case page, step forms, 404 outside."""

import pytest
from django.urls import reverse

from pingji.tracing.actions.investigations import do_complete_core, do_open_investigation
from pingji.tracing.models import Contact, Exposure, Investigation
from pingji.users.choices import Role

from .conftest import at

pytestmark = pytest.mark.django_db


def test_case_page_opens_the_investigation_and_links_to_it(client, case, epi):
    client.force_login(epi)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Open the investigation" in page
    response = client.post(reverse("tracing:investigation_open", args=[case.pk]))
    inv = Investigation.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == inv.get_absolute_url()
    page = client.get(case.get_absolute_url()).content.decode()
    assert inv.get_absolute_url() in page and "overdue by" in page


def test_opening_outside_the_area_is_404_and_saves_nothing(client, case, huli_epi):
    client.force_login(huli_epi)
    response = client.post(reverse("tracing:investigation_open", args=[case.pk]))
    assert response.status_code == 404 and not Investigation.objects.exists()


def test_list_puts_overdue_first_with_countdowns(client, case, epi, tree):
    from pingji.cases.tests.factories import CaseFactory

    late = do_open_investigation(case, actor=epi)
    other = do_open_investigation(
        CaseFactory(
            person__household=None,
            person__jurisdiction=tree["350322100001001"],
            reported_at=at(12, 12),
        ),
        actor=epi,
    )
    do_complete_core(late, actor=epi)  # late now waits on its report, due 09-13 09:00
    client.force_login(epi)
    page = client.get(reverse("tracing:investigation_list")).content.decode()
    assert page.index(f">{other.pk}<") < page.index(f">{late.pk}<")
    assert "overdue by" in page


def test_detail_forms_record_exposures_and_contacts_or_say_what_is_wrong(
    client, case, epi, neighbour
):
    inv = do_open_investigation(case, actor=epi)
    client.force_login(epi)
    url = inv.get_absolute_url()
    page = client.get(url).content.decode()
    assert "core facts due" in page and "overdue by" in page
    assert "Record an exposure" in page and "Add a contact" in page
    response = client.post(
        reverse("tracing:exposure_create", args=[inv.pk]),
        {"place_text": "菜市场", "started_at": "2021-09-11T08:00", "ended_at": "2021-09-11T09:00"},
    )
    assert response.status_code == 302 and Exposure.objects.get().place_text == "菜市场"
    response = client.post(
        reverse("tracing:contact_create", args=[inv.pk]),
        {
            "person": neighbour.pk,
            "tier": "close_contact",
            "setting": "household",
            "last_exposure_at": "2021-09-07T20:00",
        },
    )
    assert response.status_code == 400
    assert "is before the look-back window" in response.content.decode()
    assert not Contact.objects.exists()


def test_detail_is_404_outside_and_steps_are_refused(client, case, epi, huli_epi):
    inv = do_open_investigation(case, actor=epi)
    client.force_login(huli_epi)
    assert client.get(inv.get_absolute_url()).status_code == 404
    response = client.post(reverse("tracing:complete_core", args=[inv.pk]), {"summary": "x"})
    assert response.status_code == 404
    inv.refresh_from_db()
    assert inv.core_done_at is None


def test_nav_links_investigations_for_those_who_may_see_them(client, epi, make_user):
    link = f'href="{reverse("tracing:investigation_list")}"'
    client.force_login(epi)
    assert link in client.get(reverse("cases:case_list")).content.decode()
    client.force_login(make_user(Role.GRID_WORKER, "350322100001001"))
    assert link not in client.get(reverse("people:person_list")).content.decode()

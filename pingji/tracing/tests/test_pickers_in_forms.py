"""Pickers in forms (``core.widgets``): the chosen key is checked against the user's rows, so a
key from another county, a key that is no number or one past any integer is a form error, never
a server error; the widget shows the chosen row's label again and loads its script as a file."""

import pytest
from django.urls import reverse

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing.actions.investigations import do_open_investigation
from pingji.tracing.forms import ContactForm, ExposureForm
from pingji.tracing.models import Contact

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"
CONTACT = {"tier": "close_contact", "setting": "household", "last_exposure_at": "2021-09-11T20:00"}


@pytest.fixture
def huli_resident(tree):
    return PersonFactory(name="黄某", household=HouseholdFactory(jurisdiction=tree[HULI_GRID]))


@pytest.mark.parametrize("key", ["foreign", "abc", "9" * 30, "-1", "1.5", "1 OR 1=1"])
def test_a_person_key_outside_the_area_or_malformed_is_refused(epi, huli_resident, key):
    value = huli_resident.pk if key == "foreign" else key
    form = ContactForm({"person": value, **CONTACT}, user=epi)
    assert not form.is_valid()
    assert form.errors["person"] == ["No such person in your area."]


def test_a_person_of_the_area_is_accepted(epi, neighbour):
    form = ContactForm({"person": str(neighbour.pk), **CONTACT}, user=epi)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == neighbour


def test_posting_another_countys_person_answers_400_and_adds_nobody(
    client, case, epi, huli_resident
):
    inv = do_open_investigation(case, actor=epi)
    client.force_login(epi)
    response = client.post(
        reverse("tracing:contact_create", args=[inv.pk]), {"person": huli_resident.pk, **CONTACT}
    )
    assert response.status_code == 400
    assert "No such person in your area." in response.content.decode()
    assert not Contact.objects.exists()


def test_the_widget_renders_a_search_box_the_hidden_key_and_the_chosen_label(epi, neighbour):
    html = str(ContactForm({"person": str(neighbour.pk)}, user=epi)["person"])
    assert 'type="hidden" name="person"' in html and f'value="{neighbour.pk}"' in html
    assert 'type="search" id="id_person"' in html and 'role="combobox"' in html
    assert "王某 · " in html and "东门一网格" in html  # the label, as the picker shows it
    assert 'data-picker="/api/people/pick/persons/"' in html
    assert '<script src="/static/pingji/picker.js" defer></script>' in html
    assert "<script>" not in html  # no inline script (the Content-Security-Policy)


def test_the_widget_shows_no_label_for_a_key_the_user_may_not_see(epi, huli_resident):
    html = str(ContactForm({"person": str(huli_resident.pk)}, user=epi)["person"])
    assert "黄某" not in html


def test_a_place_of_another_county_is_refused(epi, tree):
    from pingji.geo.tests.factories import PlaceFactory

    place = PlaceFactory(jurisdiction=tree[HULI_GRID], kind="venue", name="湖里菜市场")
    form = ExposureForm(
        {"place": place.pk, "started_at": "2021-09-11T08:00", "ended_at": "2021-09-11T09:00"},
        user=epi,
    )
    assert not form.is_valid() and form.errors["place"] == ["No such place in your area."]

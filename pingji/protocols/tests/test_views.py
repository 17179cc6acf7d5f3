"""The protocol pages: in force here, readable rules, copy, amend with per-path errors, ask."""

import datetime
import json

import pytest

from pingji.core.models import DomainEvent
from pingji.protocols.models import Disease, Protocol
from pingji.users.choices import Role

from .factories import ProtocolFactory, bundled_rules, national


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR, "35", username="fj-admin")


@pytest.fixture
def logged_in(client, admin):
    client.force_login(admin)
    return client


def test_the_list_marks_the_version_in_force_for_the_focus_today(logged_in):
    page = logged_in.get("/protocols/")
    assert page.status_code == 200
    text = page.content.decode()
    in_force_box = text[text.index('id="in-force"') :]
    assert national("cn-class-b").name in in_force_box[:2000]
    # one row marked in force per disease: each has its own line of versions
    assert text.count("✓") == Disease.objects.count() == 5


def test_the_detail_page_renders_every_section_with_its_clause(logged_in):
    page = logged_in.get(national().get_absolute_url())
    text = page.content.decode()
    for section in (
        "contacts",
        "regimes",
        "risk_areas",
        "mass_testing",
        "pooling",
        "dispatch",
        "health_code",
    ):
        assert f'id="section-{section}"' in text
    codes = text[text.index('id="section-health_code"') :]
    assert "placed in centralised quarantine" in codes and "red code" in codes[:3000]
    assert "联防联控机制综发〔2021〕51号" in text
    assert "14 consecutive days without a new infection" in text
    assert "all residents screened negative within 48 h before lifting → lifted" in text
    assert 'id="raw-json"' in text and "&quot;schema_version&quot;: 1" in text


def test_a_copy_shows_its_differences_from_the_base(logged_in, admin):
    rules = bundled_rules()
    rules["regimes"]["secondary_contact"]["home_quarantine_days"] = 7
    copy = ProtocolFactory(jurisdiction_code="35", based_on=national(), rules=rules)
    text = logged_in.get(copy.get_absolute_url()).content.decode()
    assert 'id="differences"' in text
    assert "$.regimes.secondary_contact.home_quarantine_days" in text


def test_copy_then_amend_through_the_forms(logged_in):
    page = logged_in.post(
        f"/protocols/{national().pk}/copy/",
        {"name": "福建省方案", "jurisdiction_code": "35", "effective_from": "2021-09-20"},
    )
    copy = Protocol.objects.get(jurisdiction_code="35")
    assert page.status_code == 302 and page["Location"] == f"/protocols/{copy.pk}/amend/"
    rules = bundled_rules()
    rules["regimes"]["secondary_contact"]["home_quarantine_days"] = 7
    form = {
        "name": copy.name,
        "effective_from": "2021-09-20",
        "notes": "7+7",
        "rules": json.dumps(rules, ensure_ascii=False),
        "reason": "本省次密接 7+7",
    }
    assert logged_in.post(f"/protocols/{copy.pk}/amend/", form).status_code == 302
    copy.refresh_from_db()
    assert copy.rules["regimes"]["secondary_contact"]["home_quarantine_days"] == 7


def test_a_duplicate_copy_shows_the_error_on_the_date(logged_in):
    ProtocolFactory(jurisdiction_code="35", effective_from=datetime.date(2021, 9, 20))
    page = logged_in.post(
        f"/protocols/{national().pk}/copy/",
        {"name": "again", "jurisdiction_code": "35", "effective_from": "2021-09-20"},
    )
    assert page.status_code == 400
    assert (
        "already has a version taking effect on 2021-09-20"
        in page.context["form"].errors["effective_from"][0]
    )


def test_a_copy_to_an_area_outside_is_not_offered(logged_in):
    page = logged_in.post(
        f"/protocols/{national().pk}/copy/",
        {"name": "x", "jurisdiction_code": "43", "effective_from": "2021-09-20"},
    )
    assert page.status_code == 400 and "jurisdiction_code" in page.context["form"].errors
    assert not Protocol.objects.filter(jurisdiction_code="43").exists()


@pytest.mark.parametrize(
    "rules_text, expected",
    [
        ("{not json", "Not valid JSON (line 1, column 2)"),
        (json.dumps({"schema_version": 1}), "$.management: is required"),
    ],
)
def test_the_amend_form_lists_errors_by_path(logged_in, rules_text, expected):
    copy = ProtocolFactory(jurisdiction_code="35")
    form = {
        "name": copy.name,
        "effective_from": copy.effective_from.isoformat(),
        "rules": rules_text,
        "reason": "x",
    }
    page = logged_in.post(f"/protocols/{copy.pk}/amend/", form)
    assert page.status_code == 400
    assert any(expected in e for e in page.context["form"].errors["rules"])
    assert not DomainEvent.objects.filter(kind="protocols.protocol_amended").exists()


def test_a_province_cannot_open_the_amend_form_of_a_national_version(logged_in):
    assert logged_in.get(f"/protocols/{national().pk}/amend/").status_code == 404


def test_an_operator_cannot_open_the_copy_form(client, county_user):
    client.force_login(county_user)
    assert client.get(f"/protocols/{national().pk}/copy/").status_code == 403


def test_which_protocol_applies_on_a_day(logged_in):
    page = logged_in.get("/protocols/in-force/", {"jurisdiction": "350322", "on": "2021-09-15"})
    assert page.status_code == 200
    assert page.context["choice"].protocol == national("cn-8th-edition")
    assert 'id="answer"' in page.content.decode()


def test_asking_about_a_jurisdiction_outside_gives_a_form_error(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, "350206"))
    page = client.get("/protocols/in-force/", {"jurisdiction": "350322", "on": "2021-09-15"})
    assert page.status_code == 400 and page.context["choice"] is None
    assert "jurisdiction" in page.context["form"].errors


def test_the_forms_open_prefilled(logged_in):
    copy_page = logged_in.get(f"/protocols/{national().pk}/copy/")
    assert copy_page.status_code == 200
    assert copy_page.context["form"].initial["jurisdiction_code"] == "35"
    own = ProtocolFactory(jurisdiction_code="35")
    amend_page = logged_in.get(f"/protocols/{own.pk}/amend/")
    assert amend_page.status_code == 200
    assert json.loads(amend_page.context["form"].initial["rules"]) == own.rules

"""Peacetime for every disease (decision 0041): surveillance files name their disease, readiness
reads the disease's pack, drills practise one disease's rules, Farrington judges a county's week,
and the packs speak the same vocabulary as the rules they feed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pingji.preparedness.actions.drills import do_plan_drill
from pingji.preparedness.actions.surveillance import (
    do_evaluate_warnings,
    do_record_reports,
    do_upload_reports,
)
from pingji.preparedness.choices import Signal, WarningMethod
from pingji.preparedness.early_warning import FARRINGTON_WEEKS
from pingji.preparedness.editions import editions
from pingji.preparedness.models import SurveillanceReport
from pingji.preparedness.readiness import CAPACITY_KINDS, readiness_table
from pingji.protocols.diseases import (
    capacity_kinds,
    reserve_categories,
    series_of,
    signal_diseases,
)
from pingji.protocols.models import Disease
from pingji.protocols.schema.packs import ABERRATION_METHODS
from pingji.protocols.tests.factories import national
from pingji.resources.actions.stock import do_issue_stock, do_receive_stock
from pingji.resources.choices import FacilityKind, SupplyCategory
from pingji.resources.tests.factories import FacilityFactory, StoreFactory, SupplyItemFactory

from .factories import RuleFactory, SiteFactory

ON = datetime.date(2021, 9, 1)


def test_every_pack_speaks_the_vocabulary_of_the_rules_it_feeds(db):
    assert set(ABERRATION_METHODS) == set(WarningMethod.values)
    watched = signal_diseases()
    assert set(watched) <= set(Signal.values)
    assert set(Signal.values) <= set(watched)  # every signal belongs to one disease
    for disease in Disease.objects.all():
        for item in disease.pack["readiness"]["reserves"]:
            assert item["category"] in SupplyCategory.values, (disease.code, item)
        assert all(s["method"] in WarningMethod.values for s in series_of(disease.code))


@pytest.fixture
def ili_site(tree):
    return SiteFactory(jurisdiction=tree["350322100001001"], signal=Signal.ILI_VISITS)


def test_an_upload_may_name_the_disease_of_each_row(ili_site, operator):
    text = f"site,day,count,disease\n{ili_site.pk},2021-09-01,4,influenza\n"
    assert do_upload_reports(text, actor=operator) == 1
    by_name = f"site,day,count,disease\n{ili_site.pk},2021-09-02,5,流行性感冒\n"
    assert do_upload_reports(by_name, actor=operator) == 1


@pytest.mark.parametrize(
    "disease, says",
    [
        ("ebola", "line 2: 'ebola' is not a disease known here"),
        ("<b>x</b>", "is not a disease known here"),
        ("dengue", "line 2: "),
    ],
)
def test_an_upload_of_an_unknown_or_another_disease_saves_nothing(
    ili_site, operator, disease, says
):
    text = f"site,day,count,disease\n{ili_site.pk},2021-09-01,4,{disease}\n"
    with pytest.raises(ValidationError) as refused:
        do_upload_reports(text, actor=operator)
    assert says in str(refused.value)
    if disease == "dengue":
        assert "not a signal of dengue" in str(refused.value)
    assert not SurveillanceReport.objects.exists()


def _stock(store, category, admin, *, receive=1000, issue=10):
    item = SupplyItemFactory(code=category, name=category, category=category)
    at = timezone.make_aware(datetime.datetime(2021, 8, 10, 9))
    do_receive_stock(store, item=item, lot="A", quantity=receive, actor=admin, at=at)
    do_issue_stock(store, item=item, quantity=issue, reason="use", actor=admin, at=at)
    return item


def test_readiness_for_dengue_counts_its_reserves_and_names_what_no_store_holds(tree, admin):
    store = StoreFactory(jurisdiction=tree["350322"])
    _stock(store, SupplyCategory.MASKS, admin, receive=20)  # under reserve, but not dengue's
    _stock(store, SupplyCategory.LARVICIDE, admin)
    every = {r.jurisdiction.code: r for r in readiness_table("350322", ON)}["350322"]
    dengue = {r.jurisdiction.code: r for r in readiness_table("350322", ON, "dengue")}["350322"]
    assert every.parts["reserves"] == 50  # masks short, larvicide held
    reasons = " ".join(dengue.lowered_by)
    assert "no sprayers and fogging machines in any store" in reasons
    assert "store items under the reserve standard" not in reasons
    # larvicide held, each other category of dengue's pack missing; the masks do not count
    wanted = reserve_categories("dengue")
    assert {"larvicide", "sprayers"} <= wanted and "masks" not in wanted
    assert dengue.parts["reserves"] == round(100 / len(wanted))
    assert reasons.count("in any store") == len(wanted) - 1
    influenza = readiness_table("350322", ON, "influenza")[0]
    assert "no antivirals and medicines in any store" in " ".join(influenza.lowered_by)


def test_the_readiness_api_takes_a_disease_and_refuses_an_unknown_one(api, admin):
    ok = api(admin).get("/api/preparedness/readiness/", {"on": "2021-09-01", "disease": "hfmd"})
    assert ok.status_code == 200 and ok.json()[0]["jurisdiction"] == "350322"
    bad = api(admin).get("/api/preparedness/readiness/", {"disease": "<script>"})
    assert bad.status_code == 400 and "disease" in bad.json()


def test_the_readiness_page_offers_every_disease(client, admin, tree):
    client.force_login(admin)
    page = client.get("/preparedness/", {"on": "2021-09-01", "disease": "dengue"})
    text = page.content.decode()
    assert page.status_code == 200 and '<option value="dengue" selected>' in text
    assert client.get("/preparedness/", {"disease": "nonsense"}).status_code == 200


def test_a_drill_of_influenza_chooses_among_influenza_versions_only(tree, admin):
    drill = do_plan_drill(
        {
            "jurisdiction": tree["350322"],
            "disease": Disease.objects.get(code="influenza"),
            "title": "School ILI cluster",
            "kind": "tabletop",
            "scenario": "Twelve pupils of one class with influenza-like illness in a week.",
            "planned_for": timezone.now(),
        },
        actor=admin,
    )
    assert {p.disease_id for p in editions(drill)} == {"influenza"}
    with pytest.raises(ValidationError) as refused:
        do_plan_drill(
            {
                "jurisdiction": tree["350322"],
                "disease": Disease.objects.get(code="influenza"),
                "title": "Mixed up",
                "kind": "tabletop",
                "scenario": "x",
                "planned_for": timezone.now(),
                "protocol": national("cn-9th-edition"),
            },
            actor=admin,
        )
    assert "not a version of the drill's disease" in str(refused.value)


def _weeks(start, weekly):
    """Daily reports whose weeks (ending on the last day) sum to ``weekly``."""
    rows = []
    for w, total in enumerate(weekly):
        share = [total // 7 + (1 if k < total % 7 else 0) for k in range(7)]
        rows += [(str(start + datetime.timedelta(days=7 * w + k)), v) for k, v in enumerate(share)]
    return rows


def test_farrington_judges_the_week_against_the_same_weeks_of_three_years(tree, ili_site, operator):
    RuleFactory(
        jurisdiction=tree["3503"],
        signal=Signal.ILI_VISITS,
        method=WarningMethod.FARRINGTON,
        min_increase=10,
    )
    day = ON
    start = day - datetime.timedelta(days=7 * FARRINGTON_WEEKS - 1)
    usual = [70 + (w % 5) for w in range(FARRINGTON_WEEKS - 1)]
    do_record_reports(ili_site, _weeks(start, [*usual, 70]), actor=operator)
    assert do_evaluate_warnings(day, actor=operator) == []  # an ordinary week
    SurveillanceReport.objects.filter(
        site=ili_site, day__gt=day - datetime.timedelta(days=7)
    ).update(value=40)  # 280 visits in the week ending on the day
    (alert,) = do_evaluate_warnings(day, actor=operator)
    assert alert.value == 280 and 70 < alert.baseline < 280


def test_farrington_says_nothing_without_three_years_of_reports(tree, ili_site, operator):
    RuleFactory(jurisdiction=tree["3503"], signal=Signal.ILI_VISITS, method="farrington")
    start = ON - datetime.timedelta(days=7 * 100 - 1)
    do_record_reports(ili_site, _weeks(start, [70] * 99 + [400]), actor=operator)
    assert do_evaluate_warnings(ON, actor=operator) == []


def test_a_rule_page_names_its_disease_and_what_the_pack_suggests(client, tree, admin):
    rule = RuleFactory(jurisdiction=tree["350322"], signal=Signal.HFMD_CASES)
    client.force_login(admin)
    text = client.get(rule.get_absolute_url()).content.decode()
    suggested = series_of("hfmd")[0]
    assert "Hand, foot and mouth disease" in text
    assert f"The disease's pack suggests: {WarningMethod(suggested['method']).label}" in text


def test_capacity_for_a_disease_counts_the_facilities_its_pack_names(tree):
    FacilityFactory(jurisdiction=tree["350322"], kind="lab", daily_capacity=500)
    FacilityFactory(jurisdiction=tree["350322"], kind="designated_hospital", general_beds=20)
    assert capacity_kinds("covid-19") == list(CAPACITY_KINDS)
    every = readiness_table("350322", ON)[0]
    dengue = readiness_table("350322", ON, "dengue")[0]
    norovirus = readiness_table("350322", ON, "norovirus")[0]
    assert every.parts["capacity"] == 50  # no fever clinic, no quarantine rooms
    assert "no quarantine rooms in reserve" not in " ".join(dengue.lowered_by)
    assert dengue.parts["capacity"] == norovirus.parts["capacity"] == 100
    for disease in Disease.objects.all():
        assert set(capacity_kinds(disease.code)) <= set(FacilityKind.values), disease.code

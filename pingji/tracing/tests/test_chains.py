"""Transmission links with evidence, clusters, generations, linked pairs (``transmission_pairs``),
pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pingji.cases.tests.factories import CaseFactory
from pingji.core.events import events_for
from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.tracing import chains
from pingji.tracing.actions.chains import do_create_cluster, do_link_cases
from pingji.tracing.models import Cluster, Link
from pingji.users.choices import Role

from .conftest import GRID

pytestmark = pytest.mark.django_db
HULI_GRID = "350206001001001"


HOURS_24 = datetime.timedelta(hours=24)
HOURS_48 = datetime.timedelta(hours=48)


def case_in(tree, grid=GRID, onset=None, **extra):
    person = PersonFactory(household=HouseholdFactory(jurisdiction=tree[grid]))
    case = CaseFactory(person=person, **extra)
    if onset is not None:
        case.onset_date = onset
        case.save(update_fields=["onset_date"])
    return case


@pytest.fixture
def province_epi(make_user):
    return make_user(Role.EPIDEMIOLOGIST, "35", username="province-epi")


def test_links_make_generations_and_pairs(tree, epi):
    import datetime

    day = datetime.date(2021, 9, 1)
    a, b, c, d = (case_in(tree, onset=day + datetime.timedelta(days=k)) for k in (0, 3, 7, 9))
    cluster = do_create_cluster("铺头小学传播链", jurisdiction=tree["350322"], actor=epi)
    do_link_cases(a, b, actor=epi, evidence="contact", cluster=cluster)
    do_link_cases(b, c, actor=epi, evidence="epidemiological")
    link = do_link_cases(b, d, actor=epi, evidence="genomic", setting="household")
    gens = chains.generations([(x.infector_id, x.infectee_id) for x in Link.objects.all()])
    assert gens == {a.pk: 1, b.pk: 2, c.pk: 3, d.pk: 3}
    pairs = chains.transmission_pairs("350322")
    assert sorted(p.onset_days for p in pairs) == [3, 4, 6]
    assert chains.transmission_pairs("350206") == []
    fitted = chains.serial_interval_of("35")
    assert fitted.mean == pytest.approx(13 / 3, abs=0.05) and fitted.n == 3 and fitted.sd > 0
    # only the links recorded before a moment were known then
    first = Link.objects.get(infectee=b)
    Link.objects.filter(pk=first.pk).update(recorded_at=first.recorded_at - HOURS_48)
    earlier = chains.transmission_pairs("35", known_by=first.recorded_at - HOURS_24)
    assert [p.infectee_case_id for p in earlier] == [b.pk]
    assert [e.kind for e in events_for(link)] == ["tracing.linked"]


def test_bad_links_are_refused_and_nothing_is_written(tree, epi, huli_epi):
    a, b = case_in(tree), case_in(tree)
    do_link_cases(a, b, actor=epi, evidence="contact")
    for infector, infectee, evidence, code in (
        (a, a, "contact", "self"),
        (b, a, "contact", "cycle"),
        (a, b, "gossip", "invalid"),
    ):
        with pytest.raises(ValidationError) as exc:
            do_link_cases(infector, infectee, actor=epi, evidence=evidence)
        assert next(iter(exc.value.error_dict.values()))[0].code == code
    assert Link.objects.count() == 1
    # another county's epidemiologist cannot link Xianyou's cases
    with pytest.raises(PermissionDenied):
        do_link_cases(a, b, actor=huli_epi, evidence="contact")


def test_a_cross_county_link_is_made_above_both_and_corrected_once(tree, epi, province_epi):
    xianyou, huli = case_in(tree), case_in(tree, HULI_GRID)
    other = case_in(tree)
    # Xianyou cannot see Huli's case, so it cannot link them
    with pytest.raises(ValidationError):
        do_link_cases(huli, xianyou, actor=epi, evidence="genomic")
    first = do_link_cases(huli, xianyou, actor=province_epi, evidence="genomic")
    # a second infector corrects the link, the infectee keeps one
    link = do_link_cases(other, xianyou, actor=province_epi, evidence="contact")
    assert Link.objects.filter(infectee=xianyou).count() == 1 and link.infector_id == other.pk
    assert link.recorded_at > first.recorded_at  # the corrected pair is known from now on
    assert events_for(link).filter(kind="tracing.link_corrected").exists()


def test_a_duplicate_cluster_name_is_refused(tree, epi):
    do_create_cluster("协盛鞋厂传播链", jurisdiction=tree["350322"], actor=epi)
    with pytest.raises(ValidationError):
        do_create_cluster(" 协盛鞋厂传播链 ", jurisdiction=tree["350322"], actor=epi)
    with pytest.raises(ValidationError):
        do_create_cluster("  ", jurisdiction=tree["350322"], actor=epi)
    assert Cluster.objects.count() == 1


def test_the_graph_page_and_its_data(tree, epi, client, api):
    a, b = case_in(tree), case_in(tree)
    client.force_login(epi)
    page = client.get("/tracing/chains/")
    assert page.status_code == 200 and b"plotly" in page.content
    # the link form refuses bad input with 400 and writes nothing
    bad = client.post("/tracing/chains/", {"infector": a.pk, "infectee": a.pk, "evidence": "x"})
    assert bad.status_code == 400 and not Link.objects.exists()
    ok = client.post(
        "/tracing/chains/", {"infector": a.pk, "infectee": b.pk, "evidence": "contact"}
    )
    assert ok.status_code == 302 and Link.objects.count() == 1
    data = client.get("/tracing/chains/data/").json()
    assert {n["id"] for n in data["nodes"]} == {a.pk, b.pk} and data["generations"] == 2
    graph = api(epi).get("/api/tracing/links/graph/").json()
    assert graph["edges"] == [{"from": a.pk, "to": b.pk, "evidence": "contact", "cluster": ""}]
    created = api(epi).post(
        "/api/tracing/links/", {"infector": b.pk, "infectee": a.pk, "evidence": "contact"}
    )
    assert created.status_code == 400 and Link.objects.count() == 1  # a cycle


def test_existing_links_are_recorded_when_their_infectee_was_reported(tree, epi):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("pingji.tracing.migrations.0003_link_recorded_at")
    a, b = case_in(tree), case_in(tree)
    link = do_link_cases(a, b, actor=epi, evidence="contact")
    assert link.recorded_at > b.reported_at  # linked now, in the test's real time
    migration.recorded_when_reported(apps, None)
    link.refresh_from_db()
    assert link.recorded_at == b.reported_at

"""Binding a version to a drill sandbox: only a sandbox, only a version above it, undone cleanly,
and changed by nothing else while the drill runs under it."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from pingji.core.models import DomainEvent
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.protocols.actions.drills import do_bind_drill_sandbox, do_unbind_drill_sandboxes
from pingji.protocols.actions.versions import do_amend_protocol, do_copy_protocol
from pingji.protocols.models import Protocol
from pingji.protocols.versions import protocol_for
from pingji.users.choices import Role

from .factories import ProtocolFactory, bundled_rules, national

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def sandbox(tree):
    """A drill sandbox under 仙游县, as preparedness opens one: every node flagged."""
    town = Jurisdiction.objects.create(
        code="350322901", name="演练", level=Level.TOWNSHIP, parent=tree["350322"], drill=True
    )
    Jurisdiction.objects.create(
        code="350322901001", name="演练", level=Level.COMMUNITY, parent=town, drill=True
    )
    return town


@pytest.fixture
def county_admin(make_user):
    """Manages 仙游县's protocols, so the sandbox's binding is in their area."""
    return make_user(Role.ADMINISTRATOR, "350322", username="xy-admin")


def bind(source, code="350322901", on=TODAY, actor=None):
    return do_bind_drill_sandbox(source, sandbox_code=code, effective_from=on, actor=actor)


def test_a_bound_sandbox_works_under_the_version_and_the_county_keeps_its_own(sandbox, county_user):
    ninth = national("cn-9th-edition")
    binding = bind(ninth, actor=county_user)
    assert binding.jurisdiction_code == "350322901" and binding.based_on == ninth
    assert binding.rules == ninth.rules and binding.effective_from == TODAY
    assert protocol_for("350322901001", TODAY) == binding
    assert protocol_for("350322", TODAY).code == "cn-class-b"
    event = DomainEvent.objects.get(kind="protocols.drill_sandbox_bound")
    # recorded for the county above: the sandbox's own events go with the sandbox
    assert event.jurisdiction_code == "350322" and event.actor == county_user

    assert do_unbind_drill_sandboxes(["350322901"], actor=county_user) == 1
    assert protocol_for("350322901001", TODAY).code == "cn-class-b"
    assert DomainEvent.objects.filter(
        kind="protocols.drill_sandbox_unbound", jurisdiction_code="350322"
    ).exists()


@pytest.mark.parametrize(
    "code", ["350322", "350322901001", "350322999"], ids=["real", "inner node", "unknown"]
)
def test_only_a_sandbox_root_is_bound(sandbox, code):
    before = Protocol.objects.count()
    with pytest.raises(ValidationError) as exc:
        bind(national(), code=code)
    assert "jurisdiction_code" in exc.value.message_dict
    assert Protocol.objects.count() == before


def test_a_version_from_elsewhere_a_binding_or_broken_rules_is_refused(sandbox):
    xiamen = ProtocolFactory(jurisdiction_code="3502")
    with pytest.raises(ValidationError) as exc:
        bind(xiamen)
    assert "does not apply above this sandbox" in exc.value.message_dict["protocol"][0]
    binding = bind(national())
    with pytest.raises(ValidationError):  # a binding is no source, nor a second one that day
        bind(binding, on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        bind(national("cn-9th-edition"))
    assert "already has a version" in exc.value.message_dict["effective_from"][0]
    broken = bundled_rules()
    del broken["dispatch"]["clause"]
    fujian = ProtocolFactory(jurisdiction_code="35", rules=broken)
    with pytest.raises(ValidationError) as exc:
        bind(fujian, on=TODAY + datetime.timedelta(days=2))
    assert "rules" in exc.value.message_dict
    assert list(Protocol.objects.filter(jurisdiction_code="350322901")) == [binding]


def test_unbinding_refuses_a_real_code_and_a_binding_still_in_use(sandbox, county_user):
    binding = bind(national())
    with pytest.raises(ValidationError):
        do_unbind_drill_sandboxes(["350322901", "35"], actor=county_user)
    ProtocolFactory(jurisdiction_code="350322901", based_on=binding)  # works under it
    with pytest.raises(ValidationError) as exc:
        do_unbind_drill_sandboxes(["350322901"], actor=county_user)
    assert "still used" in str(exc.value)
    assert Protocol.objects.filter(pk=binding.pk).exists()
    assert not DomainEvent.objects.filter(kind="protocols.drill_sandbox_unbound").exists()


REFUSAL = "is bound to a drill sandbox: it changes only with the drill"


def test_the_actions_leave_a_binding_to_its_drill(sandbox, county_admin):
    binding = bind(national("cn-9th-edition"))
    with pytest.raises(ValidationError) as exc:
        do_amend_protocol(binding, actor=county_admin, reason="放宽", notes="改")
    assert REFUSAL in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:  # nor is it superseded by a copy in the sandbox
        do_copy_protocol(
            national(),
            jurisdiction_code="350322901",
            effective_from=TODAY + datetime.timedelta(days=1),
            name="仙游演练",
            actor=county_admin,
        )
    assert "drill sandbox" in exc.value.message_dict["jurisdiction_code"][0]
    binding.refresh_from_db()
    assert binding.notes.startswith("Bound to the drill sandbox")
    assert list(Protocol.objects.filter(jurisdiction_code__startswith="350322901")) == [binding]
    assert not DomainEvent.objects.filter(kind="protocols.protocol_amended").exists()
    own = ProtocolFactory(jurisdiction_code="350322")  # the county's real version still amends
    assert do_amend_protocol(own, actor=county_admin, reason="本县", notes="改").notes == "改"


def test_the_api_refuses_to_amend_or_delete_a_binding(api, sandbox, county_admin):
    binding = bind(national())
    url = f"/api/protocols/protocols/{binding.pk}/"
    client = api(county_admin)
    assert client.get(url).json()["name"] == binding.name  # readable: the county sees its drill
    response = client.patch(url, {"reason": "放宽", "notes": "改"}, format="json")
    assert response.status_code == 400 and REFUSAL in response.json()["detail"][0]
    assert client.delete(url).status_code == 405
    binding.refresh_from_db()
    assert binding.notes.startswith("Bound to the drill sandbox")


def test_the_pages_offer_no_amendment_of_a_binding_and_refuse_one(client, sandbox, county_admin):
    binding = bind(national())
    own = ProtocolFactory(jurisdiction_code="350322")
    client.force_login(county_admin)
    assert 'id="amend"' in client.get(own.get_absolute_url()).content.decode()
    assert 'id="amend"' not in client.get(binding.get_absolute_url()).content.decode()
    amend = f"/protocols/{binding.pk}/amend/"
    page = client.get(amend, follow=True)
    assert page.redirect_chain == [(binding.get_absolute_url(), 302)]
    assert REFUSAL in page.content.decode()
    form = {
        "name": "改名",
        "effective_from": TODAY,
        "rules": json.dumps(binding.rules),
        "reason": "放宽",
    }
    refused = client.post(amend, form)
    assert refused.status_code == 400 and REFUSAL in refused.content.decode()
    binding.refresh_from_db()
    assert binding.name.endswith("(drill)")

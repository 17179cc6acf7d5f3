"""Binding a version to a drill sandbox: only a sandbox, only a version above it, undone cleanly."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pingji.core.models import DomainEvent
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.protocols.actions import do_bind_drill_sandbox, do_unbind_drill_sandboxes
from pingji.protocols.models import Protocol
from pingji.protocols.versions import protocol_for

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

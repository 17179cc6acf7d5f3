import copy
import datetime
from functools import cache

import factory

from pingji.protocols.loading import bundled_versions
from pingji.protocols.models import Protocol


@cache
def _bundled() -> dict:
    return {v.code: v.rules for v in bundled_versions()}


def bundled_rules(code: str = "cn-8th-edition") -> dict:
    """A fresh copy of a shipped version's rules, safe to modify in a test."""
    return copy.deepcopy(_bundled()[code])


def national(code: str = "cn-8th-edition") -> Protocol:
    """A national version as loaded by the data migration."""
    return Protocol.objects.get(jurisdiction_code="", code=code)


class ProtocolFactory(factory.django.DjangoModelFactory[Protocol]):
    class Meta:
        model = Protocol

    code = factory.Sequence(lambda n: f"test-{n}")
    name = factory.Sequence(lambda n: f"测试方案{n}")
    jurisdiction_code = "35"
    effective_from = factory.Sequence(lambda n: datetime.date(2021, 9, 20) + datetime.timedelta(n))
    rules = factory.LazyFunction(bundled_rules)


SCOPED_FACTORIES = {
    Protocol: lambda grid: ProtocolFactory(jurisdiction_code=grid.code),
}

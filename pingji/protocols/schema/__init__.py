"""The shape of ``Protocol.rules`` (schema version 1), declared once and checked in one pass.

A protocol's rules are edited by hand (an administrator amends a copy for a province), so the
checker reports *every* problem at once, each with its JSON path (``$.regimes.close_contact
.centralized_days``) and the reason, instead of stopping at the first. This package declares the
format — one module per section, the building blocks in ``specs`` — and is its reference;
``data/README.md`` describes it in prose.

Every *rule* object carries a ``clause`` (the document, its number and the section a figure
comes from) and may carry a ``note`` (local remarks, disagreements between sources) and
``disputed: true`` where the sources disagree: such a value stays editable, and the UI says which
version and clause a decision used, so a province that reads its source otherwise can see it and
amend its copy (``data/README.md``, "Where the figures come from").
"""

from ..choices import ManagementRegime
from .health_codes import HEALTH_CODE
from .peacetime import CLOSURE, CLUSTERS, ISOLATION, VECTOR
from .regimes import REGIMES
from .reserves import RESERVES
from .resumption import RESUMPTION
from .risk_areas import RISK_AREAS
from .specs import Const, Enum, Obj, RuleError, rule
from .testing import MASS_TESTING, POOLING
from .tracing import CONTACTS, DISPATCH, INVESTIGATION

__all__ = ["RULES", "SCHEMA_VERSION", "RuleError"]

SCHEMA_VERSION = 1

RULES = Obj(
    {
        "schema_version": Const(SCHEMA_VERSION),
        "management": rule({"regime": Enum(ManagementRegime)}, ("regime",)),
        "contacts": CONTACTS,
        "regimes": REGIMES,
        "risk_areas": RISK_AREAS,
        "mass_testing": MASS_TESTING,
        "pooling": POOLING,
        "dispatch": DISPATCH,
        "investigation": INVESTIGATION,
        "resumption": RESUMPTION,
        "reserves": RESERVES,
        "clusters": CLUSTERS,
        "closure": CLOSURE,
        "isolation": ISOLATION,
        "vector": VECTOR,
        "health_code": HEALTH_CODE,
    },
    # A section left out does not apply (``rules`` answers so): the emergency sections belong to
    # COVID-19's editions, the peacetime ones (``peacetime``) to the other diseases' rule packs.
    required=("schema_version", "management"),
)

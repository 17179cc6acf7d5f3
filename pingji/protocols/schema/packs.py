"""The shape of a disease pack (decision 0041): who the disease is, its natural history and
transmission as cited figures, its variants and when each dominated, the surveillance series it
is watched by and the reserves its readiness reads.

A pack's rules are not here: they are protocol versions of the disease (``RULES``), loaded from
``data/`` beside the COVID-19 editions.
"""

from django.utils.translation import gettext as _

from ..choices import Distribution, NaturalHistory, NotifiableClass, Transmission
from .specs import (
    Bool,
    Date,
    Enum,
    Errors,
    ListOf,
    MapOf,
    Nullable,
    Num,
    Obj,
    RuleError,
    Spec,
    Str,
)

#: Method names a surveillance series may ask for; ``preparedness.choices.WarningMethod`` offers
#: the same ones to a warning rule (a test holds the two together).
ABERRATION_METHODS = ("limits", "ears_c1", "ears_c2", "ears_c3", "cusum", "farrington")


def _check_sourced(value: dict, path: str, errors: Errors) -> None:
    """No figure without a source: a citation, or an explicit ``to_verify``."""
    if not (value.get("citation") or "").strip() and value.get("to_verify") is not True:
        errors.append(RuleError(f"{path}.citation", _("give a citation, or to_verify: true")))


def sourced(fields: dict, required=()) -> Obj:
    """An object that states where it comes from (``citation``) or that it is to verify."""
    common = {"citation": Str(required=False), "to_verify": Bool(), "note": Str(required=False)}
    return Obj({**common, **fields}, tuple(required), extra_check=_check_sourced)


FIGURE = sourced(
    {
        "distribution": Enum(Distribution),
        "mean": Num(-30, 365),
        "sd": Num(0, 365),
        "unit": Enum(("days", "share")),
        "population": Str(required=False),
    },
    ("distribution", "mean", "unit"),
)

FIGURES = {
    "natural_history": MapOf(NaturalHistory, FIGURE),
    "transmission": MapOf(Transmission, FIGURE),
}


class SimulatorPathogen(Spec):
    """The agent-based simulator's parameters of a variant (``pingji.epi.abm``'s pathogen dict),
    checked by the simulator itself: its ``Pathogen.from_dict`` knows every key, range and
    citation rule, so the pack holds one copy of the figures and one judge of them
    (docs/decisions/0048)."""

    def check(self, value, path, errors):
        from pingji.epi.abm import Pathogen

        if not isinstance(value, dict):
            errors.append(RuleError(path, _("must be an object")))
            return
        try:
            Pathogen.from_dict(value)
        except (ValueError, KeyError, TypeError) as exc:
            errors.append(RuleError(path, str(exc)[:300]))


VARIANT = Obj(
    {
        "code": Str(),
        "name": Str(),
        "dominant": ListOf(
            sourced(
                {"region": Str(required=False), "from": Date(), "to": Nullable(Date())},
                ("region", "from", "to"),
            )
        ),
        **FIGURES,
        # the scenarios' pathogen (docs/scenarios.md): read from here, never from code
        "simulator": SimulatorPathogen(),
    },
    required=("code", "name", "dominant"),
)

SERIES = sourced(
    {
        "signal": Str(),
        "method": Enum(ABERRATION_METHODS),
    },
    ("signal", "method"),
)

#: What a store should hold for the disease: a supply category (``resources``) and the item.
RESERVE = Obj({"category": Str(), "item": Str(), "note": Str(required=False)}, ("category", "item"))

PACK = Obj(
    {
        "code": Str(),
        "name": Str(),
        "english_name": Str(),
        "notifiable_class": Enum(NotifiableClass),
        "source": Str(required=False),
        "notes": Str(required=False),
        **FIGURES,
        "variants": ListOf(VARIANT),
        "surveillance": Obj({"series": ListOf(SERIES)}, ("series",)),
        # capacity: the kinds of facility (``resources``) a county needs for the disease
        "readiness": Obj(
            {"reserves": ListOf(RESERVE), "capacity": ListOf(Str(), 1)}, ("reserves", "capacity")
        ),
    },
    required=("code", "name", "english_name", "notifiable_class", "surveillance", "readiness"),
)


def validate_pack(pack) -> list[RuleError]:
    """Every problem of a disease pack, each with its JSON path; empty when valid."""
    errors: list[RuleError] = []
    PACK.check(pack, "$", errors)
    return errors

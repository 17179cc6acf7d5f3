"""``risk_areas``: the levels of risk areas, their measures and how each is lifted."""

from django.utils.translation import gettext as _

from ..choices import LiftingScope, RiskLevel
from .specs import MAX_DAYS, Bool, Days, Enum, Errors, Int, ListOf, MapOf, Obj, RuleError, Str, rule


def _check_risk_levels(value: dict, path: str, errors: Errors) -> None:
    """Every level a lifting step names (``to``, ``from_level``, ``when_lifted``) must exist."""
    if not isinstance(value, dict):
        return
    defined = set(value)
    for level, spec in value.items():
        steps = spec.get("lifting") if isinstance(spec, dict) else None
        for i, step in enumerate(steps if isinstance(steps, list) else []):
            if not isinstance(step, dict):
                continue
            here = f"{path}.{level}.lifting[{i}]"
            named = [("to", step.get("to")), ("from_level", step.get("from_level"))]
            lifted = step.get("when_lifted")
            if isinstance(lifted, dict) and isinstance(lifted.get("levels"), list):
                named += [(f"when_lifted.levels[{j}]", x) for j, x in enumerate(lifted["levels"])]
            for key, target in named:
                if isinstance(target, str) and target not in defined:
                    reason = _("names level %(level)s, which this protocol does not define")
                    errors.append(RuleError(f"{here}.{key}", reason % {"level": target}))
            if step.get("to") == level:
                errors.append(RuleError(f"{here}.to", _("a level cannot be lowered to itself")))
            if not any(k in step for k in ("days_without_new_infection", "when_lifted")):
                reason = _("give days_without_new_infection or when_lifted")
                errors.append(RuleError(here, reason))


class RiskLevels(MapOf):
    def check(self, value, path, errors):
        super().check(value, path, errors)
        _check_risk_levels(value, path, errors)


LIFTING = Obj(
    {
        "to": Enum(RiskLevel, nullable=True),
        "from_level": Enum(RiskLevel),
        "days_without_new_infection": Int(1, MAX_DAYS),
        "screen": Obj(
            {
                "all_residents": Bool(),
                "on_day": Int(1, MAX_DAYS),
                "within_hours_before_lifting": Int(1, 24 * 7),
            },
            required=("all_residents",),
        ),
        "contacts_released": Obj(
            {"days_since_exposure": Int(1, MAX_DAYS), "all_negative": Bool()},
            required=("days_since_exposure", "all_negative"),
        ),
        "when_lifted": Obj(
            {"levels": ListOf(Enum(RiskLevel), 1), "scope": Enum(LiftingScope)},
            required=("levels", "scope"),
        ),
        "clause": Str(),
        "note": Str(required=False),
    },
    required=("to",),
)

RISK_LEVEL = Obj(
    {
        "order": Int(1, 10),
        "unit": Str(),
        "measures": Str(),
        "testing": Obj(
            {"nucleic_acid_days": Days(), "antigen_days": Days()}, required=("nucleic_acid_days",)
        ),
        "exit_test_hours": Int(1, 24 * 7),
        "lifting": ListOf(LIFTING),
        "clause": Str(),
        "note": Str(required=False),
    },
    required=("order", "measures", "lifting"),
)

RISK_AREAS = rule(
    {"designated": Bool(), "levels": RiskLevels(RiskLevel, RISK_LEVEL)},
    ("designated", "levels"),
)

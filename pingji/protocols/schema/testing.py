"""``mass_testing`` and ``pooling``: how fast an area is screened, and how samples are pooled."""

from django.utils.translation import gettext as _

from ..choices import PoolingMode, PoolingSetting, TestingScope
from .specs import (
    Bool,
    Enum,
    Errors,
    Int,
    ListOf,
    MapOf,
    Nullable,
    Obj,
    Percent,
    RuleError,
    Str,
    rule,
)


def _check_pooling_setting(value: dict, path: str, errors: Errors) -> None:
    if value.get("mode") == PoolingMode.POOLED and not value.get("ratios"):
        errors.append(RuleError(f"{path}.ratios", _("pooled samples need at least one ratio")))
    if value.get("mode") in (PoolingMode.SINGLE, PoolingMode.HOUSEHOLD) and value.get("ratios"):
        errors.append(RuleError(f"{path}.ratios", _("only pooled samples have ratios")))


def _check_deadlines(value: list, path: str, errors: Errors) -> None:
    if not isinstance(value, list):
        return
    caps = [d.get("max_population") for d in value if isinstance(d, dict)]
    bounded = [c for c in caps if isinstance(c, int)]
    if bounded != sorted(bounded) or None in caps[:-1]:
        reason = _("list deadlines by growing population, the open-ended one last")
        errors.append(RuleError(path, reason))


class Deadlines(ListOf):
    def check(self, value, path, errors):
        super().check(value, path, errors)
        _check_deadlines(value, path, errors)


POOLING_SETTING = Obj(
    {"mode": Enum(PoolingMode), "ratios": ListOf(Int(2, 50), 1), "note": Str(required=False)},
    required=("mode",),
    extra_check=_check_pooling_setting,
)

MASS_TESTING = rule(
    {
        "applies": Bool(),
        "deadlines": Deadlines(
            Obj(
                {
                    "scope": Enum(TestingScope),
                    "max_population": Nullable(Int(1)),
                    "within_hours": Int(1, 24 * 7),
                },
                required=("scope", "max_population", "within_hours"),
            ),
            1,
        ),
        "rounds_if_source_unknown": Int(1, 10),
    },
    ("applies",),
    {"applies": ("deadlines",)},
)

POOLING = rule(
    {
        "applies": Bool(),
        "settings": MapOf(PoolingSetting, POOLING_SETTING),
        "max_positivity_percent": Percent(),
        "positive_pool_action": Str(),
        "not_for_key_groups": Bool(),
    },
    ("applies",),
    {"applies": ("settings", "max_positivity_percent")},
)

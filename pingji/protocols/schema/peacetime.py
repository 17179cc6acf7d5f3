"""The peacetime sections of a disease's rules: clusters and their response, closures, case
isolation and vector control. Each is optional, so the COVID-19 editions stay valid unchanged.

- ``clusters``: what counts as a cluster, an outbreak or a reportable event in a setting (so many
  cases within so many days) and the response it calls for;
- ``closure``: when a class or a whole school or nursery closes, for how long, and what reopening
  needs;
- ``isolation``: how long a case stays away from school, work or food handling;
- ``vector``: the mosquito index watched by grid, the levels it is read in and what each calls
  for, and when control around a case ends.
"""

from django.utils.translation import gettext as _

from ..choices import ClusterLevel, ClusterSetting, VectorIndex
from .specs import MAX_DAYS, Bool, Enum, Errors, Int, ListOf, Nullable, Obj, RuleError, Str, rule

RESPONSE = ListOf(Str(), 1)

CLUSTERS = rule(
    {
        "applies": Bool(),
        "definitions": ListOf(
            rule(
                {
                    "level": Enum(ClusterLevel),
                    "setting": Enum(ClusterSetting),
                    "cases": Int(1, 1000),
                    "within_days": Int(1, MAX_DAYS),
                    "response": RESPONSE,
                },
                ("level", "setting", "cases", "within_days", "response"),
            ),
            1,
        ),
    },
    ("applies",),
    {"applies": ("definitions",)},
)

CLOSURE = rule(
    {
        "applies": Bool(),
        "steps": ListOf(
            rule(
                {
                    "setting": Enum(ClusterSetting),
                    "cases": Int(1, 1000),
                    "within_days": Int(1, MAX_DAYS),
                    "classes_affected": Int(1, 100),
                    "days_closed": Int(1, MAX_DAYS),
                    "reopening": RESPONSE,
                },
                ("setting", "cases", "within_days", "days_closed", "reopening"),
            ),
            1,
        ),
    },
    ("applies",),
    {"applies": ("steps",)},
)

ISOLATION = rule(
    {
        "applies": Bool(),
        "until": Str(),
        "hours_after_symptoms": Int(0, 24 * MAX_DAYS),
        "days_from_onset": Int(1, MAX_DAYS),
    },
    ("applies",),
    {"applies": ("until",)},
)


def _check_levels(value: list, path: str, errors: Errors) -> None:
    """Index levels must rise without gaps: each starts where the one before it ends."""
    if not isinstance(value, list):
        return
    bounds = [(v.get("from"), v.get("below")) for v in value if isinstance(v, dict)]
    for i in range(1, len(bounds)):
        if bounds[i - 1][1] is None or bounds[i][0] != bounds[i - 1][1]:
            reason = _("must start where level %(n)s ends") % {"n": i}
            errors.append(RuleError(f"{path}[{i}].from", reason))


class IndexLevels(ListOf):
    def check(self, value, path, errors):
        super().check(value, path, errors)
        _check_levels(value, path, errors)


VECTOR = rule(
    {
        "applies": Bool(),
        "index": Enum(VectorIndex),
        "levels": IndexLevels(
            Obj(
                {
                    "name": Str(),
                    "from": Int(0, 1000),
                    "below": Nullable(Int(1, 1000)),
                    "response": ListOf(Str()),
                },
                required=("name", "from", "below", "response"),
            ),
            1,
        ),
        "target_below": Int(1, 1000),
        "days_without_case_to_end": Int(1, MAX_DAYS),
    },
    ("applies",),
    {"applies": ("index", "levels", "target_below")},
)

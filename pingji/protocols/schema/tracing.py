"""``contacts``, ``investigation`` and ``dispatch``: who is traced, how far back, how fast."""

from django.utils.translation import gettext as _

from ..choices import ContactTier, LookbackAnchor
from .specs import MAX_DAYS, Bool, Enum, Errors, Int, ListOf, Obj, RuleError, rule


def _check_lookback(value: dict, path: str, errors: Errors) -> None:
    if value.get("days_before") in (value.get("alternatives") or []):
        errors.append(RuleError(f"{path}.alternatives", _("repeats the value in force")))


LOOKBACK = Obj(
    {"days_before": Int(0, 30), "anchor": Enum(LookbackAnchor), "alternatives": ListOf(Int(0, 30))},
    required=("days_before", "anchor"),
    extra_check=_check_lookback,
)

CONTACTS = Obj(
    {
        ContactTier.CLOSE_CONTACT: rule(
            {"identified": Bool(), "lookback": LOOKBACK},
            ("identified",),
            {"identified": ("lookback",)},
        ),
        ContactTier.SECONDARY_CONTACT: rule({"identified": Bool()}, ("identified",)),
        ContactTier.SPATIOTEMPORAL_COMPANION: rule(
            {
                "identified": Bool(),
                "cell_size_m": Int(1, 10_000),
                "min_minutes_in_cell": Int(1, 24 * 60),
                "min_total_hours": Int(1, 24 * MAX_DAYS),
                "window_days": Int(1, MAX_DAYS),
            },
            ("identified",),
            {
                "identified": (
                    "cell_size_m",
                    "min_minutes_in_cell",
                    "min_total_hours",
                    "window_days",
                )
            },
        ),
    },
    required=tuple(ContactTier.values),
)

INVESTIGATION = rule(
    {
        "applies": Bool(),
        "core_facts_hours": Int(1, 24 * 7),
        "full_report_hours": Int(1, 24 * 7),
    },
    ("applies",),
    {"applies": ("core_facts_hours", "full_report_hours")},
)

DISPATCH = rule(
    {
        "applies": Bool(),
        "locate_and_control_hours": Int(1, 24 * 7),
        "list_clearance_hours": Obj(
            {"in_province": Int(1, 24 * 7), "out_of_province": Int(1, 24 * 7)},
            required=("in_province", "out_of_province"),
        ),
        "investigation_dispatch_minutes": Int(1, 24 * 60),
    },
    ("applies",),
    {
        "applies": (
            "locate_and_control_hours",
            "list_clearance_hours",
            "investigation_dispatch_minutes",
        )
    },
)

"""``reserves`` (optional: older documents stay valid without it): the reserve standard of
emergency supplies — how many days of peak daily use a store must hold (resources.reserves)."""

from .specs import Bool, Int, ListOf, Obj, Str, rule

RESERVES = rule(
    {
        "applies": Bool(),
        "days_of_peak_use": Int(1, 365),
        "peak_window_days": Int(1, 366),
        "by_category": ListOf(
            Obj({"category": Str(), "days": Int(1, 365)}, required=("category", "days"))
        ),
    },
    ("applies",),
    {"applies": ("days_of_peak_use", "peak_window_days")},
)

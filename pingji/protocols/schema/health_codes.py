"""The health-code colour a step of the response implies (red / yellow / green), with its clause.

Read by ``health_codes`` (``protocols.rules.health_code``): a placement at a site or at home, a
release to home monitoring, the end of monitoring, a case reported and a case voided.
"""

from .specs import Bool, Enum, rule

COLOURS = ("red", "yellow", "green")

HEALTH_CODE = rule(
    {
        "applies": Bool(),
        "placed_centralised": Enum(COLOURS),
        "placed_home": Enum(COLOURS),
        "released": Enum(COLOURS),
        "completed": Enum(COLOURS),
        "case": Enum(COLOURS),
        "case_voided": Enum(COLOURS),
    },
    ("applies",),
    {
        "applies": (
            "placed_centralised",
            "placed_home",
            "released",
            "completed",
            "case",
            "case_voided",
        )
    },
)

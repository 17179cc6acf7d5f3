"""From the register to the simulator: the contact layers, and each measure's setting as
interventions over a window of days (the table of docs/simulator.md, "Measures").

The factors between a setting and a layer — what "staggered" keeps of a school, what a cap on
gatherings keeps — and the layers' weights are the platform's choices, not figures of a paper:
they are here, in one place, and every run records them in its inputs (docs/scenarios.md).
"""

from collections.abc import Callable

from pingji.areas.choices import MeasureKind, SchoolMode, TransportMode
from pingji.epi import abm
from pingji.epi.abm import interventions as iv

from .checkins import CHECKIN_DAYS
from .population import SCHOOL_KINDS, VENUE_KINDS

#: Layers besides the household: (name, weight, contacts a day, share of contacts traced).
GROUP_LAYERS = (
    ("school", 0.6, 10.0, 1.0),
    ("work", 0.6, 8.0, 0.5),
    ("community", 0.3, 6.0, 0.2),
    ("gathering", 0.4, 2.0, 0.3),
    ("transport", 0.2, 4.0, 0.1),
    *((f"venue:{kind}", 0.4, 2.0, 0.3) for kind in VENUE_KINDS),
)
#: What a staggered school keeps of its contacts; a gathering cap of this size or more keeps all.
STAGGERED_SHARE = 0.5
GATHERING_FULL = 500
#: Who seeks a test at symptom onset; who turns up to a mass-testing round; who leaves the city.
SEEK_TEST = 0.9
ROUND_COVERAGE = 0.95
LEAVING_SHARE = 0.02
#: Samples a tube by pooling mode (a household tube holds a household, about three people).
POOL_SIZE = {"single": 1, "household": 3, "pooled": 10}
#: A risk level's factor on each layer, by the level's order in its protocol (1 strictest).
LEVEL_FACTORS = {
    1: {"school": 0.0, "work": 0.0, "community": 0.0, "gathering": 0.0, "transport": 0.0},
    2: {"school": 0.0, "work": 0.0, "community": 0.3, "gathering": 0.0, "transport": 0.0},
    3: {"community": 0.8, "gathering": 0.5},
}

#: The share of imported infections a checkpoint stops, by its status: no record gives it (its
#: days count people checked and turned back, not the infected among them), so it is a choice.
#: Active: a negative test within 48 h asked of everyone leaving, PCR missing about a fifth
#: (docs/simulator.md) and the latent days missing more; relaxed: spot checks.
CHECKPOINT_EFFICACY = {"active": 0.6, "relaxed": 0.2}


def layers(household_beta: float) -> list[abm.Layer]:
    """The household layer (weight calibrated to the pack's household SAR) and the group ones."""
    out = [abm.Layer("household", "household", beta=household_beta, trace=1.0, quarantine_home=1.0)]
    for name, beta, contacts, trace in GROUP_LAYERS:
        out.append(abm.Layer(name, "group", beta=beta, contacts=contacts, trace=trace))
    return out


def risk_levels(orders: dict[str, int]) -> dict[str, dict[str, float]]:
    """The risk table of a protocol's levels (``{level: order}``)."""
    deepest = max(LEVEL_FACTORS)
    return {level: dict(LEVEL_FACTORS[min(order, deepest)]) for level, order in orders.items()}


def measure(kind: str, setting: dict, start: int, end: int, areas) -> list:
    """The interventions a setting of ``kind`` carries on days ``[start, end)`` in ``areas``."""
    if start >= end:
        return []
    handler = _HANDLERS.get(kind)
    return handler(setting, start, end, areas) if handler else []


def checkpoints(found, start: int, end: int) -> list:
    """One ``Checkpoint`` for the checkpoints in force: the simulator compounds overlapping
    checkpoints as if each stopped a share of what passed the others, but a city's exits sit on
    different roads, each on its own share of the travellers. So the efficacy is the mean of
    theirs weighted by the people each checked in its recent days (equal weights without any)."""
    if not found or start >= end:
        return []
    weights = [c.checked for c in found]
    if not sum(weights):
        weights = [1] * len(found)
    mean = sum(w * CHECKPOINT_EFFICACY[c.status] for w, c in zip(weights, found, strict=True))
    return [abm.Checkpoint(round(mean / sum(weights), 4), start, end)]


def _venues(setting, start, end, areas):
    out = []
    kinds = set(setting.get("venue_kinds", []))
    for kind in sorted(kinds):
        if kind in SCHOOL_KINDS:
            layer = "school"
        elif kind == "enterprise":
            layer = "work"
        else:
            layer = f"venue:{kind}"
        out.append(abm.Scale(layer, start, end, 0.0, areas=areas))
    return list(dict.fromkeys(out))


def _school(setting, start, end, areas):
    mode = setting.get("mode")
    if mode in (SchoolMode.CLOSED, SchoolMode.ONLINE):
        return [abm.Scale("school", start, end, 0.0, areas=areas)]
    if mode == SchoolMode.STAGGERED:
        return [abm.Scale("school", start, end, STAGGERED_SHARE, areas=areas)]
    return []


def _gatherings(setting, start, end, areas):
    share = min(1.0, setting.get("max_size", 0) / GATHERING_FULL)
    return [abm.Scale("gathering", start, end, share, areas=areas)] if share < 1 else []


def _transport(setting, start, end, areas):
    mode = setting.get("mode")
    share = {TransportMode.SUSPENDED: 0.0, TransportMode.NORMAL: 1.0}.get(
        mode, setting.get("share", 1.0)
    )
    return [abm.Scale("transport", start, end, share, areas=areas)] if share < 1 else []


def _attendance(setting, start, end, areas):
    share = setting.get("share", 1.0)
    return [abm.Scale("work", start, end, share, areas=areas)] if share < 1 else []


def _mass_testing(setting, start, end, areas):
    days = iv.every(start, end, setting["cadence_days"])
    pool = POOL_SIZE.get(setting.get("pooling", "single"), 1)
    return [abm.MassTesting(days, coverage=ROUND_COVERAGE, areas=areas, pool=pool)]


def _exit_test(setting, start, end, areas):
    days = iv.every(start, end, max(1, setting["hours"] // 24))
    return [abm.MassTesting(days, coverage=LEAVING_SHARE, areas=areas)]


_HANDLERS: dict[str, Callable[..., list]] = {
    MeasureKind.VENUE_CLOSURE: _venues,
    MeasureKind.SCHOOL_MODE: _school,
    MeasureKind.GATHERINGS: _gatherings,
    MeasureKind.PUBLIC_TRANSPORT: _transport,
    MeasureKind.WORKPLACE_ATTENDANCE: _attendance,
    MeasureKind.MASS_TESTING: _mass_testing,
    MeasureKind.EXIT_TEST: _exit_test,
}


def recorded() -> dict:
    """The choices above, as a run records them."""
    return {
        "group_layers": [list(layer) for layer in GROUP_LAYERS],
        "staggered_share": STAGGERED_SHARE,
        "gathering_full": GATHERING_FULL,
        "seek_test": SEEK_TEST,
        "round_coverage": ROUND_COVERAGE,
        "leaving_share": LEAVING_SHARE,
        "pool_size": POOL_SIZE,
        "level_factors": {str(k): v for k, v in LEVEL_FACTORS.items()},
        "checkpoint_efficacy": CHECKPOINT_EFFICACY,
        "checkin_days": CHECKIN_DAYS,
    }

"""A scenario's simulator input, built from the live state of its day and its plan.

``build`` reads the state (``in_force``, ``population``, ``state``), the pathogen
(``pathogen``) and turns the measures and areas in force, changed by the plan, into the
simulator's interventions (``mapping``). What it read is returned as ``inputs``, the record a
run keeps so that it can be made again (docs/scenarios.md).
"""

import datetime
from dataclasses import dataclass

import numpy as np

from pingji.epi import abm
from pingji.epi.abm import calibrate
from pingji.protocols import rules
from pingji.protocols.models import Protocol

from . import mapping, population, state
from .choices import ChangeKind
from .in_force import InForce, in_force
from .pathogen import pathogen_on
from .population import AREA_SEP


@dataclass
class Built:
    scenario: abm.Scenario
    inputs: dict
    area_labels: tuple[str, ...]
    rooms_held: list[int]
    beds_held: list[int]


def day_index(state_day: datetime.date, on: str) -> int:
    """A plan date as a run day: day 0 is the day after the state day; a change dated on the
    state day holds from day 0."""
    return max(0, (datetime.date.fromisoformat(on) - state_day).days - 1)


def build(s) -> Built:
    """The simulator scenario of ``s`` (a ``Scenario`` row) and the record of what it read."""
    code, day = s.jurisdiction_id, s.state_day
    now = in_force(code, day)
    pathogen = pathogen_on(code, day)
    built = population.build_population(code, day, now.areas)
    pop = built.population
    vaccination = _vaccinate(pop, s)
    regime = state.regime(code, day)
    hidden, seed_areas, start = _start(code, day, pathogen.pathogen, pop.area_labels)
    sar = pathogen.raw["household_secondary_attack_rate"]["value"]
    layers = mapping.layers(calibrate.household_beta(pathogen.pathogen, sar))
    measures = _interventions(s, now, pop.area_labels, regime, code, day)
    scenario = abm.Scenario(
        pop,
        pathogen.pathogen,
        layers,
        n_days=s.days,
        initial_infections=hidden,
        initial_areas=seed_areas,
        interventions=measures,
        risk_levels=_risk_table(now),
        start_date=(day + datetime.timedelta(days=1)).isoformat(),
    )
    inputs = {
        "population": pop.describe(),
        "missing_ages": built.missing_ages,
        "pathogen": pathogen.record,
        "measures": [_measure_record(m) for m in now.measures],
        "areas": [_area_record(a) for a in now.areas.values()],
        "start": start,
        "vaccination": vaccination,
        "regime": regime,
        "checkins": built.checkins,
        "checkpoints": [_checkpoint_record(c) for c in now.checkpoints],
        "choices": mapping.recorded(),
    }
    rooms = state.in_central_quarantine(code, day, s.days)
    beds = state.beds_held(code, day, s.stay_days, s.days)
    return Built(scenario, inputs, pop.area_labels, rooms, beds)


def _vaccinate(pop: abm.Population, s) -> dict:
    """Two doses for the scenario's share of the residents of its age and over, drawn with its
    seed (so a run is reproducible); the population's digest then covers the doses."""
    if s.vaccinated_share > 0:
        pop.assign_doses({0: 0.0, s.vaccinated_from_age: s.vaccinated_share}, seed=s.seed)
    return {
        "share": s.vaccinated_share,
        "from_age": s.vaccinated_from_age,
        "doses": 2,
        "vaccinated": int((pop.doses > 0).sum()),
    }


def _start(code: str, day, pathogen: abm.Pathogen, labels) -> tuple[int, tuple | None, dict]:
    """The infections a run starts with: those nobody has found yet (docs/scenarios.md, "The
    start"), where they are, and the record of how they were counted.

    Cases found outside control in the last week arrive at ``per_day``; an infection is found
    about an incubation period plus the recorded onset → report delay after it happened, so
    ``per_day`` × that delay infections had happened and were not yet found at the day's end.
    They are seeded at random among the residents of the townships where those cases were found.
    """
    free = state.found_free(code, day)
    onset, turnaround = state.testing_delays(code, day)
    incubation = pathogen.durations["latent"].mean + pathogen.durations["presymptomatic"].mean
    to_report = (float(np.mean(onset)) if onset else 0.0) + (
        float(np.mean(turnaround)) if turnaround else 0.0
    )
    per_day = sum(free.values()) / state.FOUND_FREE_DAYS
    hidden = round(per_day * (incubation + to_report))
    areas = tuple(i for i, label in enumerate(labels) if label.split(AREA_SEP)[0] in free)
    record = {
        "known_infections_admitted": len(state.active_infections(code, day)),
        "found_outside_control": free,
        "found_outside_control_days": state.FOUND_FREE_DAYS,
        "days_to_finding": round(incubation + to_report, 2),
        "hidden_infections": hidden,
    }
    return hidden, areas or None, record


def _risk_table(now: InForce) -> dict:
    orders: dict[str, int] = {}
    for protocol_id in {a.protocol_id for a in now.areas.values()}:
        for r in rules.risk_levels(Protocol.objects.get(pk=protocol_id)):
            orders[r.level] = r.order
    return mapping.risk_levels(orders) or {}


def _areas_below(labels: tuple[str, ...], code: str, scenario_code: str):
    """Area indexes of a measure decided for ``code`` (all of them when it covers the whole
    scenario: None)."""
    if scenario_code.startswith(code):
        return None
    return tuple(i for i, label in enumerate(labels) if label.startswith(code)) or ()


def _interventions(s, now: InForce, labels, regime: dict, code: str, day) -> list:
    days = s.days
    out: list = []
    for m in now.measures:
        areas = _areas_below(labels, m.jurisdiction_code, code)
        if areas == ():
            continue
        setting, start = m.setting, 0
        for row in (r for r in s.plan if r.get("measure") == m.measure_id):
            at = day_index(day, row["on"])
            out += mapping.measure(m.kind, setting, start, at, areas)
            setting, start = row.get("setting"), at
            if row["kind"] == ChangeKind.LIFT_MEASURE:
                break
        else:
            out += mapping.measure(m.kind, setting, start, days, areas)
    out += _area_windows(s, now, labels, day)
    out += _importation(s, day)
    out += mapping.checkpoints(now.checkpoints, 0, days)
    onset, turnaround = state.testing_delays(code, day)
    out.append(
        abm.SymptomaticTesting(
            mapping.SEEK_TEST,
            0,
            days,
            delays=tuple(onset) or (1,),
            turnaround=round(sum(turnaround) / len(turnaround)) if turnaround else 1,
        )
    )
    delays = tuple(state.tracing_delays(code, day)) or (1,)
    out.append(
        abm.Tracing(
            0,
            days,
            delays=delays,
            central_days=regime["central_days"],
            home_days=regime["home_days"],
            test_days=tuple(regime["test_days"]),
        )
    )
    return out


def _area_windows(s, now: InForce, labels, day) -> list:
    out = []
    for area_id, area in now.areas.items():
        idx = tuple(i for i, lab in enumerate(labels) if lab.endswith(f"{AREA_SEP}{area_id}"))
        if not idx:
            continue
        level, start = area.level, 0
        for row in (r for r in s.plan if r.get("area") == area_id):
            at = day_index(day, row["on"])
            if at > start:
                out.append(abm.RiskArea(level, start, at, areas=idx))
            level, start = row["level"], at
            if not level:
                break
        if level and start < s.days:
            out.append(abm.RiskArea(level, start, s.days, areas=idx))
    return out


def _importation(s, day) -> list:
    rate, start, out = s.importation, 0, []
    for row in (r for r in s.plan if r["kind"] == ChangeKind.IMPORTATION):
        at = day_index(day, row["on"])
        if at > start and rate > 0:
            out.append(abm.Importation(rate, start, at))
        rate, start = row["per_day"], at
    if rate > 0 and start < s.days:
        out.append(abm.Importation(rate, start, s.days))
    return out


def _measure_record(m) -> dict:
    return {
        "id": m.measure_id,
        "kind": m.kind,
        "setting": m.setting,
        "jurisdiction": m.jurisdiction_code,
        "since": m.since.isoformat(),
    }


def _checkpoint_record(c) -> dict:
    return {
        "id": c.checkpoint_id,
        "name": c.name,
        "status": c.status,
        "jurisdiction": c.jurisdiction_code,
        "checked": c.checked,
        "turned_back": c.turned_back,
    }


def _area_record(a) -> dict:
    return {"id": a.area_id, "name": a.name, "level": a.level, "jurisdiction": a.jurisdiction_code}

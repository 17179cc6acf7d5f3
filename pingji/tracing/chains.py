"""Transmission chains as they are read: generations, the graph and the linked pairs.

A link says "this infection most likely came from that case", with its evidence (decision 0009);
links and clusters are written by ``actions.chains``. Generations follow from the links: a case
with no known infector is generation 1, its infectees 2, and so on.

``transmission_pairs`` (what tracing offers analytics) hands the linked pairs to the serial-interval
estimate (``epi.serial``) and, through it, to Rt; as of a moment (``known_by``, or
``pairs_known_by`` for many), it gives the links recorded by then with the onsets as they stood
then (decision 0030, rebuilt by ``cases.history``).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from pingji.cases import history as case_history
from pingji.epi import serial as epi_serial
from pingji.protocols.models import COVID_19

from .models import Link


@dataclass(frozen=True)
class Pair:
    """One linked pair, as the serial-interval estimate reads it, with when it was recorded."""

    infector_case_id: int
    infectee_case_id: int
    infector_onset: datetime.date | None
    infectee_onset: datetime.date | None
    recorded_at: datetime.datetime | None = None

    @property
    def onset_days(self) -> int | None:
        if self.infector_onset is None or self.infectee_onset is None:
            return None
        return (self.infectee_onset - self.infector_onset).days


def _links(code: str, disease: str):
    links = Link.objects.filter(infectee__disease_id=disease)
    if code:
        links = links.filter(jurisdiction__code__within=code)
    return links


_COLUMNS = (
    "infector_id",
    "infectee_id",
    "infector__onset_date",
    "infectee__onset_date",
    "recorded_at",
)


def _onsets_now(rows) -> dict[int, dict]:
    """Case id → {"onset_date": …} as the join read it (the rows as they stand)."""
    now: dict[int, dict] = {}
    for infector, infectee, infector_onset, infectee_onset, _recorded in rows:
        now[infector] = {"onset_date": infector_onset}
        now[infectee] = {"onset_date": infectee_onset}
    return now


def _pairs(rows, onsets: dict[int, dict]) -> list[Pair]:
    return [
        Pair(
            infector,
            infectee,
            onsets[infector]["onset_date"],
            onsets[infectee]["onset_date"],
            recorded,
        )
        for infector, infectee, _a, _b, recorded in rows
    ]


def transmission_pairs(
    code: str, known_by: datetime.datetime | None = None, disease: str = COVID_19
) -> list[Pair]:
    """The links of ``disease`` whose infectee lies within jurisdiction ``code`` ("" = all)
    (decision 0009; a link joins two cases of one disease, decision 0041), by infectee.

    ``known_by``: what was known at that moment (decision 0030): the links recorded before it,
    with each case's onset date as it stood then (``cases.history``: an onset corrected later
    does not reach back). Without it, the links and onsets as they stand now.
    """
    links = _links(code, disease)
    if known_by is not None:
        links = links.filter(recorded_at__lt=known_by)
    rows = list(links.order_by("infectee_id", "id").values_list(*_COLUMNS))
    onsets = _onsets_now(rows)
    if known_by is not None:
        onsets = case_history.values_at(onsets, ["onset_date"], known_by, current=onsets)
    return _pairs(rows, onsets)


def pairs_known_by(
    code: str, moments: Sequence[datetime.datetime], disease: str = COVID_19
) -> list[list[Pair]]:
    """``transmission_pairs(code, known_by=m)`` for each moment ``m`` of ``moments``, in three
    queries whatever their number (the serial interval of every day of a period): the links and
    the onsets' changes are read once and rewound in memory."""
    if not moments:
        return []
    rows = list(_links(code, disease).order_by("infectee_id", "id").values_list(*_COLUMNS))
    rows = [row for row in rows if row[-1] is not None]  # never recorded: never known
    timeline = case_history.Timeline(
        [], ["onset_date"], since=min(moments), current=_onsets_now(rows)
    )
    out = []
    for moment in moments:
        known = [row for row in rows if row[-1] < moment]
        out.append(_pairs(known, timeline.at(moment)))
    return out


def serial_interval_of(code: str) -> epi_serial.SerialIntervalFit:
    """The serial interval fitted to the area's pairs with both onsets known (``epi.serial``)."""
    days = [p.onset_days for p in transmission_pairs(code) if p.onset_days is not None]
    return epi_serial.fit(days)


def generations(links: list[tuple[int, int]]) -> dict[int, int]:
    """Case id → generation from (infector, infectee) pairs; roots are generation 1."""
    parent = {infectee: infector for infector, infectee in links}
    cases = set(parent) | set(parent.values())
    out: dict[int, int] = {}
    for case in cases:
        path = []
        node = case
        while node not in out and node in parent and node not in path:
            path.append(node)
            node = parent[node]
        base = out.get(node, 1)
        if node not in out:
            out[node] = 1
        for depth, member in enumerate(reversed(path), start=1):
            out[member] = base + depth
    return out


def graph(links, cases) -> dict:
    """Nodes and edges for the interactive graph: x = onset (or report) day, y by generation."""
    gen = generations([(link.infector_id, link.infectee_id) for link in links])
    nodes = []
    rows_per_gen: dict[int, int] = {}
    for case in sorted(cases, key=lambda c: (gen.get(c.pk, 1), c.reported_at, c.pk)):
        g = gen.get(case.pk, 1)
        rows_per_gen[g] = rows_per_gen.get(g, 0) + 1
        day = case.onset_date or case.reported_at.date()
        nodes.append(
            {
                "id": case.pk,
                "label": str(case),
                "name": case.person.name,
                "day": day.isoformat(),
                "generation": g,
                "lane": rows_per_gen[g],
                "classification": case.classification,
                "jurisdiction": case.jurisdiction_id,
                "url": case.get_absolute_url(),
            }
        )
    edges = [
        {
            "from": link.infector_id,
            "to": link.infectee_id,
            "evidence": link.evidence,
            "cluster": link.cluster.name if link.cluster_id else "",
        }
        for link in links
    ]
    return {"nodes": nodes, "edges": edges, "generations": max(gen.values(), default=0)}

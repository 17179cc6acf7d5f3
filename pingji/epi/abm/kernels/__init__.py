"""The compiled inner loops of the simulator (numba, cached on disk).

Everything here works on flat arrays handed in by :mod:`.model`; nothing allocates per agent per
day. Randomness comes only from the ``numpy.random.Generator`` (PCG64) passed in, so a run is a
pure function of its inputs and its seed. The first call of a process compiles or loads the
cache (``cache=True``: a second process loads in well under a second).

Conventions: days are ``int16`` with :data:`NEVER` for "does not happen"; agent states are
``SUS=0, EXP=1, INF=2, REC=3, DEAD=4``; layer kinds are ``HOUSEHOLD=0, GROUP=1, STATIC=2``.

The loops live by what they do: :mod:`.course` (natural history), :mod:`.indexes` (contact
indexes), :mod:`.care` (diagnosis, tracing, quarantine, testing) and :mod:`.transmission`; the
shared encodings in :mod:`.common`.
"""

from .care import diagnose_and_trace, mass_test, quarantine_day
from .common import DEAD, EXP, GROUP, HOUSEHOLD, INF, NEVER, REC, STATIC, SUS
from .course import course_infectiousness, progress
from .indexes import csr_from_edges, group_index
from .transmission import infect_agents, seed_infections, transmit

__all__ = [
    "DEAD",
    "EXP",
    "GROUP",
    "HOUSEHOLD",
    "INF",
    "NEVER",
    "REC",
    "STATIC",
    "SUS",
    "course_infectiousness",
    "csr_from_edges",
    "diagnose_and_trace",
    "group_index",
    "infect_agents",
    "mass_test",
    "progress",
    "quarantine_day",
    "seed_infections",
    "transmit",
]

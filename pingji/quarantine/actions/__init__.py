"""Every write of the quarantine domain, one module per family (import from the module itself).

- ``sites``: registering a site, its rooms and staff; the free bed an arrival takes;
- ``placement``: placing a person under the regime in force, and the helpers every later step
  shares (the placement locked, "still active", the history entry, the next test);
- ``monitoring``: daily check-ins and test results (a positive reports the case);
- ``followup``: alerts on missed checks and tests, the end of monitoring, the daily sweep;
- ``release``: release from the site into home monitoring, and the handover to another county;
- ``transfer``: moving a person at a site to another site or room;
- ``moving``: a person at home moving house, within the county or to another (and back);
- ``protocol_change``: applying a new protocol's regime to placements under way;
- ``imports``: a laboratory's list of results, checked whole, then recorded.

Each action runs in one transaction, checks the actor's scope before the write and again after it
(docs/architecture.md, "Conventions every app follows") and records a ``quarantine.*`` domain
event dated when the thing happened (decision 0030).
"""

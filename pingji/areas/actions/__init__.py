"""Every write of the areas domain, one module per family (import from the module itself).

- ``transitions``: designating an area, proposing a change of level (judged against the lifting
  criteria), approving or rejecting it (decision 0014);
- ``publishing``: the list in force published, the approved transitions (and measure changes)
  taking effect with it;
- ``measures``: society-wide measures designated, made stricter, stepped down or lifted, and the
  changes approved or rejected (docs/decisions/0047-society-wide-measures.md);
- ``checkpoints``: setting one up, its daily counts, and its stepwise lifting plan;
- ``evaluations``: storing the day's evaluation and the over-control work items (decision 0015);
- ``scope``: who may write here at all, asked first by every action above.

Each action runs in one transaction, checks the actor's scope before the write and again after it
(docs/architecture.md, "Conventions every app follows") and records an ``areas.*`` domain event
dated when the thing happened (decision 0030).
"""

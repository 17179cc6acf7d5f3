"""Every write of the testing domain, one module per family (import from the module itself).

- ``rounds``: campaigns, rounds (the protocol's deadline and pooling, frozen targets), sampling
  points, closing a round;
- ``uploads``: queueing a sampling or results file, refusing it with its report, applying it;
- ``follow_ups``: positive tubes, a follow-up per member, and the single-tube retest;
- ``ingest``: a file checked whole and appended to the analytic store — the row pass, which
  reports every failing row, and the choice of pass;
- ``ingest_columns``: the column pass, which settles a plainly clean file in whole columns;
- ``ingest_rules``: the columns, formats, ranges, rules and doubts both passes are built from.

Each ORM action runs in one transaction, checks the actor's scope and records a ``testing.*``
domain event dated when the thing happened (decision 0030). ``ingest`` and its two companions need
no ORM: the background job passes ids and settings in.
"""

"""Every write of the resources domain, one module per family (import from the module itself).

- ``stock``: receipts, issues (first expiry first out, one by one or a past series), transfers
  between stores and expiry write-offs;
- ``ledger``: the reserve read model (``StockDay``, ``StockLevel``) folded in the same transaction
  as each movement, and the daily refresh of its peaks (decision 0025);
- ``registers``: stores, facilities and workforce, and ``save_row``, which other domains reuse for
  their own plain registers.

Each action runs in one transaction, checks the actor's scope and records a ``resources.*``
domain event dated when the movement happened (decision 0030).
"""

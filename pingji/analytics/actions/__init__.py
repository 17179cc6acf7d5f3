"""Analytics' writes; callers import from the module that holds the action:

- ``series``: materialising the stored series of an area — daily indicators, Rt and forecasts —
  from the events, replacing what was stored for the period in one transaction.

The reads stay beside it: ``series`` (the indicator series from events or from storage),
``estimates`` (Rt, serial intervals, forecasts and their skill).
"""

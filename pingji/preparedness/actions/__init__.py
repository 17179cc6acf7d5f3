"""Preparedness' writes, one module per family; callers import from the module that holds them:

- ``drills``: drill mode (decision 0020) — plan a drill, choose its protocol version, start it in
  its sandboxes, inject its scripted case and contact, time its steps, finish it, record its
  findings and remove its data;
- ``surveillance``: daily surveillance reports (form, API, upload), the early-warning alerts
  raised on them, switching a county into emergency mode on one or dismissing it, and the
  registers of sites and warning rules;
- ``training``: training courses and attendance.

The reads they rest on stay beside them: ``sandboxes`` (drill codes and the guard keeping drill
data apart), ``early_warning`` (signals, rules and breaches), ``readiness`` and ``drill_report``.
"""

"""The writes of the cases app, one module per family (callers import from the module itself):

- ``reports``: reporting a case — the checks and the plan every report goes through
  (``check_case_facts``, ``plan_report``, ``reported_event``) and the one-report actions;
- ``bulk``: a line list of reports at once, through the same checks and plan, written in a batch;
- ``course``: what follows a report — reclassification, severity, outcome and corrections.
"""

"""The writes of the tracing app, one module per family (callers import from the module itself):

- ``investigations``: opening an investigation under its protocol's deadlines and look-back,
  recording exposures, completing the core facts and the report;
- ``contacts``: the checks and the plan every contact goes through, and adding one contact;
- ``bulk``: the thousands of contacts of a check-in search at once, through the same checks and
  plan, with their dispatches;
- ``dispatch``: handing a person over to the county where they live (协查), that county's answers,
  and the export of out-of-province dispatches;
- ``proposals``: the check-in search of an investigation's venues and the decision on each
  proposed contact;
- ``secondary``: secondary contacts derived from a close contact;
- ``chains``: links between cases and named clusters.

The reads these writes rest on live beside the package: ``chains`` (generations, the graph, the
pairs analytics reads), ``visits`` (what a check-in search looks at), ``dispatch_lists`` (the layout
of every dispatch list).
"""

"""Task pages, one module per family: ``work`` (the inbox, tasks and their steps, evidence),
``orders`` (directives, problem lists and their ledger), ``plans`` (plan templates and the
work plans returned on them) and ``reviews`` (reviews, improvements and supervision). ``urls``
imports each module itself.
"""

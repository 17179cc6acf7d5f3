"""The people app's pages, one module per family: ``persons``, ``households`` and ``merge`` (the
tool that folds a duplicate record into the one kept). ``urls`` imports each module itself.
"""

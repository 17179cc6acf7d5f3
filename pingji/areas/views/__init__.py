"""The areas app's pages, one module per family: ``areas`` (risk areas, their transitions,
publications and evaluations), ``checkpoints``, ``measures`` (the society-wide measures and their
changes), ``situation`` (the indicator and the map as of a day) and ``public`` (the only pages open
without login). ``urls`` imports each module itself.
"""

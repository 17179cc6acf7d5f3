"""The command app's pages, one module per family: ``modes`` (a jurisdiction's command mode and
the switch, 平急转换) and ``meetings`` (headquarters meetings and the directives they issued).
``urls`` imports each module itself.
"""

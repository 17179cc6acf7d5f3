"""Command's writes, one module per family; callers import from the module that holds the action:

- ``modes``: switching a jurisdiction between peacetime and emergency mode (平急转换);
- ``meetings``: recording a headquarters meeting, whose decisions become directives in tasks.
"""

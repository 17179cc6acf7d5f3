"""The writes of the geo app (callers import from the module itself):

- ``places``: registering, changing and removing a place in a grid.

The jurisdiction tree itself is loaded, not edited (``geo.loaders``, ``geo.synthetic``).
"""

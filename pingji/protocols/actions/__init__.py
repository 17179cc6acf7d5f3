"""Protocols' writes, one module per family; callers import from the module that holds the action:

- ``versions``: the versions of real areas — a copy for an area, an amendment, the national
  editions loaded — and the checks every version write shares;
- ``drills``: a version bound to a drill sandbox when the drill starts, and unbound when its data
  are removed.
"""

"""The pytest plugin every app's tests share (``fixtures``, named in the root ``conftest.py``).

It lives in users because its fixtures are a jurisdiction tree and users of each role: users may
import geo and its own models, where core, below both, may not.
"""

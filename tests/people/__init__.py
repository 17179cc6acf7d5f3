"""Tests of people's tools against the rows other apps keep about a person.

Merging moves a duplicate's cases and contacts; the reconstruction test reads everything a role can
see about a person, a case included. Both need cases and tracing, which sit above people, so they
live here rather than in ``pingji/people/tests`` (``[tool.importlinter]`` in pyproject.toml).
"""

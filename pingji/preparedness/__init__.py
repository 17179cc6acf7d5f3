"""Peacetime surveillance and early warning, training, drills and readiness."""

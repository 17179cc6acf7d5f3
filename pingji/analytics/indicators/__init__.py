"""Indicators computed from domain events: the registry and one module per domain."""

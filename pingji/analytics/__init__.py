"""Indicators computed from the domain events and records, Rt and forecasts stored per day."""

"""Supplies and reserve days, designated hospitals and beds, clinics, testing capacity, workforce."""

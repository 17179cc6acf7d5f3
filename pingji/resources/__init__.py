"""Supplies and reserve days, designated hospitals and beds, clinics, labs, workforce."""

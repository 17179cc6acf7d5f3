"""Quarantine sites, placements by protocol, scheduled monitoring and tests, release, and health management after release."""

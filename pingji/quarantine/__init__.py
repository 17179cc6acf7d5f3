"""Quarantine: sites, placements by protocol, monitoring and tests, release, and follow-up."""

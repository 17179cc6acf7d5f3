"""Pingji (平急): an epidemic emergency command platform — one system in peacetime and emergency."""

__version__ = "0.1.0"

"""Command models: response modes (平急转换) and the meetings of a headquarters (指挥部)."""

from .meetings import Meeting
from .mode import ModeSwitch

__all__ = ["Meeting", "ModeSwitch"]

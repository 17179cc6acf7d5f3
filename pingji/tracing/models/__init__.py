"""Tracing models: investigations and contacts, dispatches (协查), transmission chains."""

from .chains import Cluster, Link
from .dispatch import Dispatch
from .investigations import Contact, Exposure, Investigation, ProposedContact
from .reported import ReportedContact

__all__ = [
    "Cluster",
    "Contact",
    "Dispatch",
    "Exposure",
    "Investigation",
    "Link",
    "ProposedContact",
    "ReportedContact",
]

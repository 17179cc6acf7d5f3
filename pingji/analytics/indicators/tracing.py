"""Tracing indicators: investigations opened and completed, contacts identified by tier.

Read from ``tracing.opened``, ``tracing.reported`` and ``tracing.contact_added`` (the tier is in the
payload); contacts are counted in the jurisdiction of the case whose investigation found them, as
the bulletins of the investigating city count them. Contacts under control are the quarantine
placements of a contact tier (``quarantine.placed`` with ``category`` close or secondary contact).
"""

from django.utils.translation import gettext_lazy as _

from pingji.protocols.choices import ContactTier
from pingji.quarantine.contracts import PLACED
from pingji.tracing.contracts import CONTACT_ADDED, DISPATCHED, OPENED, REPORTED

from .registry import register, term

register("investigations_opened", _("investigations opened"), "tracing", term(OPENED))
register(
    "investigations_reported",
    _("investigation reports completed"),
    "tracing",
    term(REPORTED),
)
register(
    "contacts_traced",
    _("contacts traced"),
    "tracing",
    term(CONTACT_ADDED),
    group="contacts",
)
register(
    "close_contacts_traced",
    _("close contacts traced"),
    "tracing",
    term(CONTACT_ADDED, tier=[ContactTier.CLOSE_CONTACT]),
    group="contacts",
)
register(
    "secondary_contacts_traced",
    _("secondary contacts traced"),
    "tracing",
    term(CONTACT_ADDED, tier=[ContactTier.SECONDARY_CONTACT]),
    group="contacts",
)
register(
    "contacts_under_control",
    _("contacts placed under control"),
    "tracing",
    term(PLACED, category=[ContactTier.CLOSE_CONTACT, ContactTier.SECONDARY_CONTACT]),
    group="contacts",
)
register(
    "dispatches_sent",
    _("persons dispatched to other counties"),
    "tracing",
    term(DISPATCHED),
)

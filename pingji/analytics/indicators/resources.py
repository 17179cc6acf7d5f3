"""Resources: supplies received, issued and transferred (``resources.*``, summing ``quantity``)."""

from django.utils.translation import gettext_lazy as _

from .registry import register, term

register(
    "supplies_received",
    _("supply units received"),
    "resources",
    term("resources.received", "quantity"),
)
register(
    "supplies_issued", _("supply units issued"), "resources", term("resources.issued", "quantity")
)
register(
    "supplies_transferred",
    _("supply units transferred"),
    "resources",
    term("resources.transferred", "quantity"),
)

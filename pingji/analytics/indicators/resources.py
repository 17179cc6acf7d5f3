"""Resources: supplies received, issued and transferred (``resources.*``, summing ``quantity``)."""

from django.utils.translation import gettext_lazy as _

from pingji.resources.contracts import ISSUED, RECEIVED, TRANSFERRED

from .registry import register, term

register(
    "supplies_received",
    _("supply units received"),
    "resources",
    term(RECEIVED, "quantity"),
)
register("supplies_issued", _("supply units issued"), "resources", term(ISSUED, "quantity"))
register(
    "supplies_transferred",
    _("supply units transferred"),
    "resources",
    term(TRANSFERRED, "quantity"),
)

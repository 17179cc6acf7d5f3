"""The mode in force for a jurisdiction: its own latest switch, or the nearest ancestor's."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import Mode
from .models import ModeSwitch


@dataclass(frozen=True)
class ModeInForce:
    mode: str
    level: str
    since: datetime | None
    switch: ModeSwitch | None
    inherited_from: object | None  # the ancestor Jurisdiction whose switch applies, if not own

    @property
    def label(self) -> str:
        if self.mode == Mode.EMERGENCY:
            return _("Emergency mode, response level %(level)s") % {"level": self.level or "—"}
        return _("Peacetime mode")


def mode_for(jurisdiction, at: datetime | None = None) -> ModeInForce:
    """A county without its own switch is in the mode its city or province declared (平急转换)."""
    at = at or timezone.now()
    codes = [*jurisdiction.ancestor_codes(), jurisdiction.code]
    switch = (
        ModeSwitch.objects.filter(jurisdiction_id__in=codes, effective_at__lte=at)
        .select_related("jurisdiction")
        .order_by("-jurisdiction_id", "-effective_at", "-id")  # longest code = nearest first
        .first()
    )
    if switch is None:
        return ModeInForce(Mode.PEACETIME, "", None, None, None)
    inherited = switch.jurisdiction if switch.jurisdiction_id != jurisdiction.code else None
    return ModeInForce(switch.mode, switch.level, switch.effective_at, switch, inherited)

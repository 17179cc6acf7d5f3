"""The mode in force for a jurisdiction: its own latest switch, or the nearest ancestor's."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from pingji.core import clock, shared_cache
from pingji.geo.models import Jurisdiction

from .choices import Mode
from .models import ModeSwitch


@dataclass(frozen=True)
class ModeInForce:
    mode: str
    level: str
    since: datetime | None
    switch: ModeSwitch | None
    inherited_from: Jurisdiction | None  # the ancestor whose switch applies, if not its own

    @property
    def label(self) -> str:
        if self.mode == Mode.EMERGENCY:
            return _("Emergency mode, response level %(level)s") % {"level": self.level or "—"}
        return _("Peacetime mode")


#: The shared cache's key of every switch (``mode_for``), forgotten when one changes.
SWITCHES_KEY = "pingji:command:mode-switches"


def _nearest_first(switches):
    return (
        switches.select_related("jurisdiction")
        .defer("jurisdiction__boundary")  # every page's banner names it, never draws it
        .order_by("-jurisdiction_id", "-effective_at", "-id")  # longest code = nearest first
    )


def mode_for(jurisdiction, at: datetime | None = None) -> ModeInForce:
    """A county without its own switch is in the mode its city or province declared (平急转换).

    Every page's banner asks, so with a shared cache the few switches there are are read from
    it (``core.shared_cache``), and the one in force is picked here; else by a query.
    """
    at = at or clock.now()
    codes = [*jurisdiction.ancestor_codes(), jurisdiction.code]
    if shared_cache.is_shared():
        every = shared_cache.read(SWITCHES_KEY, lambda: list(_nearest_first(ModeSwitch.objects)))
        chain = set(codes)
        switch = next(
            (s for s in every if s.jurisdiction_id in chain and s.effective_at <= at), None
        )
    else:
        switch = _nearest_first(
            ModeSwitch.objects.filter(jurisdiction_id__in=codes, effective_at__lte=at)
        ).first()
    if switch is None:
        return ModeInForce(Mode.PEACETIME, "", None, None, None)
    inherited = switch.jurisdiction if switch.jurisdiction_id != jurisdiction.code else None
    return ModeInForce(switch.mode, switch.level, switch.effective_at, switch, inherited)


def modes_below(jurisdiction, at: datetime | None = None) -> list[tuple[Jurisdiction, ModeInForce]]:
    """The mode of each jurisdiction right below this one, own or inherited, in two queries.

    The command page lists every lower level's mode; asking ``mode_for`` per child would cost a
    query each (a city has up to a few dozen counties, a county hundreds of grids).
    """
    at = at or clock.now()
    children = list(jurisdiction.children.only("code", "name", "level", "parent").order_by("code"))
    chain = [*jurisdiction.ancestor_codes(), jurisdiction.code]
    latest: dict[str, ModeSwitch] = {}
    switches = (
        ModeSwitch.objects.filter(
            jurisdiction_id__in=chain + [c.code for c in children], effective_at__lte=at
        )
        .select_related("jurisdiction")
        .defer("jurisdiction__boundary")
        .order_by("-effective_at", "-id")
    )
    for switch in switches:
        latest.setdefault(switch.jurisdiction_id, switch)
    out = []
    for child in children:
        nearest = next((latest[c] for c in [child.code, *reversed(chain)] if c in latest), None)
        if nearest is None:
            out.append((child, ModeInForce(Mode.PEACETIME, "", None, None, None)))
            continue
        inherited = nearest.jurisdiction if nearest.jurisdiction_id != child.code else None
        out.append(
            (
                child,
                ModeInForce(nearest.mode, nearest.level, nearest.effective_at, nearest, inherited),
            )
        )
    return out

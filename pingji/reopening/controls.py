"""Whether an establishment lies inside an active sealed or controlled area.

The areas domain answers which controls are in force at a place or jurisdiction and whether each
restricts opening (``areas.lookup.controls_at``, what areas offers reopening); reopening only reads
that answer and shows the reason (docs/decisions/0017).
"""

from django.utils.translation import gettext as _


def _controls_at(**kwargs) -> list:
    """``areas.lookup.controls_at``, imported when first needed so this app loads while areas is
    being migrated."""
    from pingji.areas.lookup import controls_at

    return controls_at(**kwargs)


def blocking_controls(establishment, at) -> list:
    """Controls in force at the establishment's place (or jurisdiction) that forbid opening."""
    found = _controls_at(
        place=establishment.place, jurisdiction_code=establishment.jurisdiction_id, at=at
    )
    return [c for c in found if c.restricts_opening]


def blocking_reason(establishment, at) -> str:
    """Why approval is refused now, in words ("" when nothing blocks it)."""
    blocking = blocking_controls(establishment, at)
    if not blocking:
        return ""
    control = blocking[0]
    return _("%(name)s lies inside %(area)s (%(level)s), which forbids opening until lifted.") % {
        "name": establishment.name,
        "area": control.area,
        "level": control.level,
    }

"""Whether an establishment lies inside an active sealed or controlled area, or under a
society-wide measure that closes its kind.

The areas domain answers which controls are in force at a place or jurisdiction and whether each
restricts opening (``areas.lookup.controls_at``, what areas offers reopening), and which
society-wide measures are in force there and whether each closes a kind of establishment
(``areas.lookup.measures_at``: venues closed by kind, schools closed or online, workplace
attendance 0; docs/decisions/0047-society-wide-measures.md). Reopening only reads those answers
and shows the reason (docs/decisions/0017).
"""

from django.utils.translation import gettext as _


def _controls_at(**kwargs) -> list:
    """``areas.lookup.controls_at``, imported when first needed so this app loads while areas is
    being migrated."""
    from pingji.areas.lookup import controls_at

    return controls_at(**kwargs)


def _measures_at(code: str, at) -> list:
    """``areas.lookup.measures_at``, imported when first needed (as ``_controls_at``)."""
    from pingji.areas.lookup import measures_at

    return measures_at(code, at)


def blocking_controls(establishment, at) -> list:
    """Controls in force at the establishment's place (or jurisdiction) that forbid opening."""
    found = _controls_at(
        place=establishment.place, jurisdiction_code=establishment.jurisdiction_id, at=at
    )
    return [c for c in found if c.restricts_opening]


def blocking_measures(establishment, at) -> list:
    """Society-wide measures in force over the establishment's jurisdiction that close its kind."""
    found = _measures_at(establishment.jurisdiction_id, at)
    return [m for m in found if m.closes(establishment.kind)]


def blocking_reason(establishment, at) -> str:
    """Why approval is refused now, in words ("" when nothing blocks it)."""
    blocking = blocking_controls(establishment, at)
    if blocking:
        control = blocking[0]
        return _(
            "%(name)s lies inside %(area)s (%(level)s), which forbids opening until lifted."
        ) % {
            "name": establishment.name,
            "area": control.area,
            "level": control.level,
        }
    closing = blocking_measures(establishment, at)
    if closing:
        from pingji.areas.measure_settings import describe

        m = closing[0]
        return _(
            "A society-wide measure of %(place)s keeps %(name)s shut (%(setting)s) until it is "
            "stepped down or lifted."
        ) % {
            "place": m.jurisdiction_name,
            "name": establishment.name,
            "setting": describe(m.kind, m.setting),
        }
    return ""

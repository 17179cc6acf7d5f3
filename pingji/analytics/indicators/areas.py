"""Risk areas and checkpoints: areas under control (a level), designations, lifts, checkpoints.

From ``areas.published`` (a transition in force: ``kind`` designate/raise/step_down/lift): a
designation adds an area under control, a lift removes one; raising or stepping down changes its
level, not the count. Checkpoints from ``areas.checkpoint_created`` and the daily counts of
``areas.checkpoint_day_recorded`` (persons checked).
"""

from django.utils.translation import gettext_lazy as _

from pingji.areas.contracts import CHECKPOINT_CREATED, CHECKPOINT_DAY_RECORDED, PUBLISHED

from .registry import register, term

register(
    "areas_designated",
    _("risk areas designated"),
    "areas",
    term(PUBLISHED, kind=["designate"]),
)
register("areas_lifted", _("risk areas lifted"), "areas", term(PUBLISHED, kind=["lift"]))
register(
    "areas_in_force",
    _("risk areas in force"),
    "areas",
    term(PUBLISHED, kind=["designate"]),
    term(PUBLISHED, kind=["lift"], sign=-1),
    stock=True,
)
register(
    "checkpoints",
    _("checkpoints set up"),
    "areas",
    term(CHECKPOINT_CREATED),
    stock=True,
)
register(
    "checkpoint_persons",
    _("persons checked at checkpoints"),
    "areas",
    term(CHECKPOINT_DAY_RECORDED, "persons"),
)

"""A person under home quarantine or home health monitoring moves home.

The regime's clock never moves with the person: day 0 is still the last exposure, and the planned
end stays where the protocol put it. Within the county the placement, the person's residence and the
grid's work follow the person to the new grid in one transaction — the new grid worker sees them,
the old one no longer does. Into another county the move is handed over like a release to another
county (``release.dispatch_home``, through tracing's ``do_dispatch_person``): a dispatch carrying
the last exposure and the days left, answered there by a new placement
(``handlers.place_controlled``); this placement ends as ``transferred``, so the person is never
under two placements. When the receiving county answers "not our resident" or "unreachable", nobody
there monitors them, so ``take_back`` resumes the ended placement at the old grid and tells that
grid's community why: the person is never under none once the receiving county has answered. A
person at a site is moved between sites by ``transfer.do_transfer_placement`` instead; a drill's
people never leave their sandbox, nor do real people enter one (decision 0020).
"""

import datetime

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.cases.actions.reports import open_case_of
from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, error, local_date, not_in_future, record_on
from pingji.core.messages import message
from pingji.geo.choices import Level
from pingji.geo.drills import county_code
from pingji.geo.models import Jurisdiction
from pingji.protocols.models import COVID_19
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks, do_issue_rule_task
from pingji.tasks.choices import OPEN_STATUSES
from pingji.tasks.models import Task

from ..choices import EntryKind, PlacementStatus, Setting, TestStatus
from ..contracts import MOVED_HOME, TAKEN_BACK
from ..models import Placement
from .followup import community_of, end_of, start_of
from .placement import entry, locked, refresh_next_test, require_active
from .release import dispatch_home

#: The task kind of a handover the receiving county refused or could not carry out.
HANDOVER_REFUSED = "quarantine.handover-refused"


def target_grid(code: str, placement: Placement) -> Jurisdiction:
    """The grid moved to, refused when unknown, not a grid, the same, or across a drill's edge."""
    grid = Jurisdiction.objects.filter(code=(code or "").strip()).first()
    if grid is None:
        raise error("grid", _("No grid has the code %(code)s.") % {"code": code}, "unknown")
    if grid.level != Level.GRID:
        raise error(
            "grid",
            _("%(name)s is a %(level)s: give the grid the person moves to.")
            % {"name": grid.name, "level": grid.get_level_display()},
            "not_a_grid",
        )
    if grid.code == placement.home_id:
        raise error("grid", _("The person already lives in %(name)s.") % {"name": grid.name})
    if grid.drill != placement.home.drill:
        raise error(
            "grid",
            _("A move cannot cross between a drill sandbox and the real jurisdictions."),
            "drill",
        )
    return grid


def hand_over_work(placement: Placement, grid: Jurisdiction, *, actor, note: str) -> int:
    """The grid's open work on the person follows them: the home-monitoring task to the new grid,
    alerts to its community. Each open task is closed with ``note`` and issued again, unchanged, to
    its new owner, so both grids' lists stay true and the history says who had it when."""
    community = community_of(grid.code)
    parts: list[models.Model] = [placement, *placement.tests.all(), *placement.checks.all()]
    owners: list[tuple[models.Model, Jurisdiction]] = [
        *((release, grid) for release in placement.releases.all()),
        *((part, community) for part in parts),
    ]
    moved = 0
    for source, owner in owners:
        tasks = list(Task.objects.for_source(source).filter(status__in=OPEN_STATUSES))
        if not tasks:
            continue
        do_close_rule_tasks(source, actor=actor, note=note)
        for task in tasks:
            do_issue_rule_task(
                source,
                actor=actor,
                owner=owner,
                kind=task.kind,
                title=task.title,
                deadline=task.deadline,
                description=task.description,
            )
            moved += 1
    return moved


def close_work(placement: Placement, *, actor, note: str) -> None:
    """Every open task on the person closes: the receiving county's placement makes its own."""
    for source in [*placement.releases.all(), placement, *placement.tests.all()]:
        do_close_rule_tasks(source, actor=actor, note=note)
    for check in placement.checks.all():
        do_close_rule_tasks(check, actor=actor, note=note)


def move_residence(placement: Placement, grid: Jurisdiction) -> None:
    """The person now lives in ``grid`` (household unknown there). Saved here rather than through
    ``people.actions.persons.do_update_person``, which refuses by design a person leaving the
    actor's area — exactly what a move to another county is; the change log still records it."""
    person = placement.person
    person.household, person.jurisdiction = None, grid
    person.save(update_fields=["household", "jurisdiction"])


def do_move_home(
    placement: Placement,
    *,
    actor,
    grid: str,
    reason: str,
    address: str = "",
    at: datetime.datetime | None = None,
) -> Placement:
    """Move a person at home to the grid ``grid`` (a code), within the county or to another.

    Needs ``quarantine.change_placement`` over the placement; a move within the county also needs
    the new grid inside the actor's area. Refused, with nothing written: a person at a site, an
    ended placement or one whose regime is over, an unknown code or one that is not a grid, the
    grid they already live in, a move across a drill sandbox's edge, an empty reason, a time in
    the future, and a person already dispatched to that county.
    """
    reason = (reason or "").strip()
    address = (address or "").strip()
    at = aware(at) or clock.now()
    if not reason:
        raise error("reason", _("Say why the person moves."), "required")
    not_in_future(at, "at")
    with transaction.atomic():
        placement = locked(placement, actor, "change")
        require_active(placement)
        if placement.setting != Setting.HOME:
            raise error(
                "grid",
                _("%(name)s is at a site: transfer them to another site instead.")
                % {"name": placement.person.name},
                "centralised",
            )
        if placement.planned_end_on < local_date(at):
            raise error(
                "grid",
                _("Monitoring ended on %(end)s: there is nobody to move.")
                % {"end": placement.planned_end_on},
                "over",
            )
        target = target_grid(grid, placement)
        if county_code(target) == county_code(placement.home):
            return move_within_county(
                placement, target, actor=actor, reason=reason, address=address, at=at
            )
        return move_to_county(placement, target, actor=actor, reason=reason, address=address, at=at)


def move_within_county(placement, grid, *, actor, reason, address, at) -> Placement:
    if not Jurisdiction.objects.restrict(actor).filter(code=grid.code).exists():
        raise error(
            "grid",
            _("%(name)s is outside your area: the county moves this person.") % {"name": grid.name},
        )
    before = placement.home_id
    move_residence(placement, grid)
    placement.home, placement.jurisdiction, placement.address = grid, grid, address
    placement.save(update_fields=["home", "jurisdiction", "address"])
    ensure_allowed(actor, placement, "view")
    moved = hand_over_work(
        placement, grid, actor=actor, note=_("Moved home to %(grid)s.") % {"grid": grid.name}
    )
    entry(
        placement,
        EntryKind.MOVED,
        actor,
        at=at,
        from_jurisdiction=before,
        to_jurisdiction=grid.code,
        reason=reason,
        payload={"address": address, "tasks": moved},
    )
    record_on(
        placement,
        MOVED_HOME,
        message(
            gettext_noop("%(name)s moved home to %(grid)s; monitoring until %(end)s"),
            {"name": placement.person.name, "grid": grid.name, "end": placement.planned_end_on},
        ),
        actor=actor,
        at=at,
        payload={"from_grid": before, "to_grid": grid.code, "address": address, "reason": reason},
    )
    return placement


def move_to_county(placement, grid, *, actor, reason, address, at) -> Placement:
    """Hand the person over to the county of ``grid``: a dispatch carrying the regime's clock,
    then this placement ends as ``transferred`` (the receiving county places them anew)."""
    days_left = (placement.planned_end_on - local_date(at)).days
    dispatch = dispatch_home(
        placement,
        grid,
        actor=actor,
        at=at,
        last_exposure_at=start_of(placement.exposure_on),
        reason=_handover_reason(placement, grid, address, at, days_left),
    )
    before = placement.home_id
    move_residence(placement, grid)
    handed_over = _end_handed_over(placement, grid, actor=actor, address=address, at=at)
    entry(
        placement,
        EntryKind.MOVED,
        actor,
        at=at,
        from_jurisdiction=before,
        to_jurisdiction=grid.code,
        reason=reason,
        payload={"address": address},
    )
    entry(
        placement,
        EntryKind.DISPATCHED,
        actor,
        at=at,
        from_jurisdiction=before,
        to_jurisdiction=dispatch.to_region,
        payload={"dispatch": dispatch.pk, "days_left": days_left, "tests": handed_over},
    )
    record_on(
        placement,
        MOVED_HOME,
        message(
            gettext_noop(
                "%(name)s moved home to %(grid)s in another county: handed over with %(days)d "
                "days left"
            ),
            {"name": placement.person.name, "grid": grid.name, "days": days_left},
        ),
        actor=actor,
        at=at,
        payload={
            "from_grid": before,
            "to_grid": grid.code,
            "address": address,
            "reason": reason,
            "dispatch": dispatch.pk,
            "days_left": days_left,
        },
    )
    return placement


def _handover_reason(placement: Placement, grid, address: str, at, days_left: int) -> str:
    """What the receiving county reads on the dispatch: where to, the phase, the days left and
    the exposure they count from, so it places the person without asking back."""
    return _(
        "Moved home to %(grid)s (%(address)s) on %(day)s: %(phase)s until %(end)s, "
        "%(days)d days left, counted from the last exposure on %(exposure)s."
    ) % {
        "grid": grid.name,
        "address": address or "—",
        "day": local_date(at),
        "phase": placement.get_setting_display(),
        "end": placement.planned_end_on,
        "days": days_left,
        "exposure": placement.exposure_on,
    }


def _end_handed_over(placement: Placement, grid, *, actor, address: str, at) -> list[int]:
    """End the placement as ``transferred``: its pending tests cancelled (their ids returned, so
    ``take_back`` can restore exactly those) and every open task on the person closed."""
    pending = placement.tests.filter(status=TestStatus.PENDING)
    handed_over = list(pending.values_list("pk", flat=True))
    pending.update(
        status=TestStatus.CANCELLED, note=_("Handed over to %(grid)s.") % {"grid": grid.name}
    )
    placement.status, placement.ended_at, placement.next_test_on = (
        PlacementStatus.TRANSFERRED,
        at,
        None,
    )
    placement.address = address
    placement.save(update_fields=["status", "ended_at", "next_test_on", "address"])
    close_work(placement, actor=actor, note=_("Handed over to %(grid)s.") % {"grid": grid.name})
    return handed_over


def take_back(dispatch, *, actor, at: datetime.datetime) -> Placement | None:
    """The placement a move handed over resumes, the receiving county having answered ``dispatch``
    "not our resident" or "unreachable"; None when nothing is to be taken back.

    Nothing for a dispatch that did not come from a move, a person placed elsewhere or a case by
    now, or a regime already over. Otherwise the person lives in the old grid again, the tests the
    handover cancelled and not yet due come back, and the old grid's community gets a task saying
    who refused and why: they are the ones who find the person now. The clock is the regime's, as
    in every move; the event is dated by the county's answer.
    """
    handover = _handover_to_take_back(dispatch, local_date(at))
    if handover is None:
        return None
    placement, today = dispatch.source, local_date(at)
    move_residence(placement, placement.home)
    placement.tests.filter(
        pk__in=handover.payload.get("tests", []), status=TestStatus.CANCELLED, due_on__gte=today
    ).update(status=TestStatus.PENDING, note="")
    placement.status, placement.ended_at = PlacementStatus.ACTIVE, None
    placement.save(update_fields=["status", "ended_at"])
    refresh_next_test(placement)
    why = dispatch.return_reason or dispatch.get_status_display()
    answer = _("%(county)s answered the handover of %(name)s: %(why)s") % {
        "county": dispatch.to_region_name,
        "name": placement.person.name,
        "why": why,
    }
    do_issue_rule_task(
        placement,
        actor=actor,
        owner=community_of(placement.home_id),
        kind=HANDOVER_REFUSED,
        title=answer,
        deadline=end_of(today),
        description=_(
            "Monitoring resumes at %(grid)s until %(end)s: find the person, then move them "
            "again or keep them here."
        )
        % {"grid": placement.home.name, "end": placement.planned_end_on},
    )
    entry(
        placement,
        EntryKind.TAKEN_BACK,
        actor,
        at=at,
        from_jurisdiction=dispatch.to_region,
        to_jurisdiction=placement.home_id,
        reason=why[:500],
        payload={"dispatch": dispatch.pk},
    )
    record_on(placement, TAKEN_BACK, answer, actor=actor, at=at, payload={"dispatch": dispatch.pk})
    return placement


def _handover_to_take_back(dispatch, today: datetime.date):
    """The history entry of the handover ``dispatch`` answers, when its placement may resume.

    None when the dispatch did not come from a move, or when resuming would be wrong: the person
    is under another placement or a case by now, or the regime ended; answering twice finds the
    placement active again and does nothing.
    """
    placement = dispatch.source
    if not isinstance(placement, Placement) or placement.status != PlacementStatus.TRANSFERRED:
        return None
    handover = placement.history.filter(
        kind=EntryKind.DISPATCHED, payload__dispatch=dispatch.pk
    ).first()
    person = placement.person
    if (
        handover is None
        or Placement.objects.filter(person=person, status=PlacementStatus.ACTIVE).exists()
        or open_case_of(person, COVID_19)
        or placement.planned_end_on < today
    ):
        return None
    return handover

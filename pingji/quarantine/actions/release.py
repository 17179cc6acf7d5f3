"""Release from centralised quarantine into the home phase, and the handover to another county.

Release is a decision with an approver (``quarantine.release_placement``): eligibility is
computed (``schedule.eligibility``) and kept with the decision; before eligibility it is refused
with the reasons unless someone holding ``quarantine.override_placement`` gives a justification.
Release hands the person over to their home grid — a home-monitoring task for the grid (kind
``home-monitoring``) until the end of the regime — and a person whose home lies in another
county is pushed there as a dispatch (协查, ``tracing.actions.dispatch.do_dispatch_person``).
Transfers (``transfer``) and releases keep one continuous history (``HistoryEntry``) on the one
placement.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, error, local_date, not_in_future, record_on
from pingji.core.duties import declare_duty, performing
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction
from pingji.tasks.actions.rule_tasks import do_issue_rule_task
from pingji.tasks.choices import TaskKind

from .. import schedule
from ..choices import EntryKind, Setting, TestStatus
from ..contracts import RELEASED
from ..models import Placement, Release
from .followup import do_complete, end_of
from .placement import entry, locked, require_active

#: An override must say why; "ok" is not a justification.
MIN_JUSTIFICATION = 10

#: Releasing a person into another county obliges handing them over there (decision 0011).
HAND_OVER_RELEASED = declare_duty(
    "quarantine.hand_over_released",
    {"tracing.add_dispatch", "tracing.view_dispatch"},
    "whoever releases a person into another county hands them over there",
)


def dispatch_home(
    placement: Placement,
    county: Jurisdiction,
    *,
    actor,
    reason: str,
    at,
    last_exposure_at: datetime.datetime | None = None,
):
    """Push the person to their home county (tracing's ``do_dispatch_person``), sent by the site
    or the grid; ``last_exposure_at`` lets the county place them when this placement ends."""
    from pingji.tracing.actions.dispatch import do_dispatch_person

    with performing(HAND_OVER_RELEASED):
        return do_dispatch_person(
            placement.person,
            to_jurisdiction=county,
            reason=reason,
            source=placement,
            actor=actor,
            last_exposure_at=last_exposure_at,
            at=at,
        )


def do_release_placement(
    placement: Placement,
    *,
    actor,
    at: datetime.datetime | None = None,
    override: bool = False,
    justification: str = "",
) -> Release:
    """Release from the site into the home phase (or the end, when the regime has none).

    Eligibility is judged on the day of ``at``, and the history and the event are dated ``at``:
    the person left the site then, whenever the release was typed.
    """
    at = not_in_future(aware(at) or clock.now(), "at")
    justification = (justification or "").strip()
    with transaction.atomic():
        placement = locked(placement, actor, "release")
        require_active(placement)
        check = schedule.eligibility(placement, local_date(at))
        _check_override(placement, check, actor, override=override, justification=justification)
        home = Jurisdiction.objects.get(code=placement.home_id)
        site, before = placement.site, placement.jurisdiction_id
        release = Release.objects.create(
            placement=placement,
            site=site,
            jurisdiction_id=placement.jurisdiction_id,
            decided_at=at,
            approved_by=actor if getattr(actor, "pk", None) else None,
            eligible=check.eligible,
            reasons=[r.as_json() for r in check.reasons],
            overridden=not check.eligible,
            justification=justification if not check.eligible else "",
            to_jurisdiction=home,
        )
        ensure_allowed(actor, release, "view")
        dispatch = _hand_over_to_county(placement, release, home, actor=actor, at=at)
        placement.setting, placement.site, placement.room = Setting.HOME, None, None
        placement.jurisdiction_id, placement.released_at = home.code, at
        placement.save(update_fields=["setting", "site", "room", "jurisdiction", "released_at"])
        _record_released(
            placement,
            release,
            dispatch,
            actor=actor,
            at=at,
            site=site,
            before=before,
            justification=justification,
        )
        if placement.home_days == 0 or placement.planned_end_on <= local_date(at):
            do_complete(placement, actor=actor, at=at)
        else:
            _hand_over_to_grid(placement, release, home, actor=actor)
    return release


def _check_override(
    placement: Placement, check: schedule.Eligibility, actor, *, override: bool, justification: str
) -> None:
    """Refuse a release before eligibility unless it is a justified override by a role that may.

    The reasons of the refusal are the eligibility's own (days served, tests missing), so the site
    sees what is still lacking; an override keeps them on the release for whoever reviews it.
    """
    if check.eligible:
        return
    if not override:
        raise ValidationError({"placement": check.blocking})
    if not Placement.objects.restrict(actor, "override").filter(pk=placement.pk).exists():
        raise PermissionDenied(_("Your role cannot release before eligibility."))
    if len(justification) < MIN_JUSTIFICATION:
        raise error(
            "justification",
            _("Say why the person is released before eligibility (%(n)d characters at least).")
            % {"n": MIN_JUSTIFICATION},
            "required",
        )


def _hand_over_to_county(placement: Placement, release: Release, home, *, actor, at):
    """The dispatch to the person's home county when it is another one and days are left there.

    The receiving county monitors them from then on (decision 0008); without home days, or with
    the regime ending today, there is nothing to hand over.
    """
    if not (
        placement.jurisdiction_id[:6] != home.code[:6]
        and placement.home_days
        and placement.planned_end_on > local_date(at)
    ):
        return None
    dispatch = dispatch_home(
        placement,
        Jurisdiction.objects.get(code=home.code[:6]),
        actor=actor,
        at=at,
        reason=_("Released from %(site)s on %(day)s: home health monitoring until %(end)s.")
        % {"site": placement.site, "day": local_date(at), "end": placement.planned_end_on},
    )
    release.dispatch_id = dispatch.pk
    release.save(update_fields=["dispatch_id"])
    return dispatch


def _record_released(
    placement: Placement, release: Release, dispatch, *, actor, at, site, before, justification
) -> None:
    """The history entries (released, and dispatched if so) and the ``quarantine.released`` event.

    The event says whether the release was eligible or overridden, so the situation room counts
    both and a review can find every override without reading the releases.
    """
    home = placement.jurisdiction_id
    entry(
        placement,
        EntryKind.RELEASED,
        actor,
        at=at,
        from_site=site,
        from_jurisdiction=before,
        to_jurisdiction=home,
        reason=justification,
        payload={"release": release.pk, "eligible": release.eligible},
    )
    if dispatch is not None:
        entry(
            placement,
            EntryKind.DISPATCHED,
            actor,
            at=at,
            from_jurisdiction=before,
            to_jurisdiction=home[:6],
            payload={"dispatch": dispatch.pk},
        )
    record_on(
        placement,
        RELEASED,
        message(
            gettext_noop("%(name)s released from %(site)s%(early)s"),
            {
                "name": placement.person.name,
                "site": site or message(gettext_noop("centralised quarantine")),
                "early": message(gettext_noop(" before eligibility"))
                if not release.eligible
                else "",
            },
        ),
        actor=actor,
        at=at,
        payload={
            "release": release.pk,
            "eligible": release.eligible,
            "overridden": release.overridden,
            "justification": justification,
            "to": home,
        },
    )


def _hand_over_to_grid(placement: Placement, release: Release, home, *, actor) -> None:
    """The home grid's work item: monitor the person daily until the end of the regime.

    Daily checks and tests are not tasks (decision 0010); the handover is, so the grid sees whom
    it took over and the county sees a grid that never did.
    """
    pending = placement.tests.filter(setting=Setting.HOME, status=TestStatus.PENDING)
    do_issue_rule_task(
        release,
        actor=actor,
        owner=home,
        kind=TaskKind.HOME_MONITORING,
        title=_("Home health monitoring of %(name)s until %(end)s")
        % {"name": placement.person.name, "end": placement.planned_end_on},
        deadline=end_of(placement.planned_end_on),
        description=_("Daily check-in; tests on %(days)s.")
        % {"days": ", ".join(str(t.due_on) for t in pending) or "—"},
    )

"""Follow-up of positive tubes: a work item per member of a pool, and the single-tube retest.

A positive pool puts every member under control at once (立即就地管控) and retests each in a single
tube; a positive single tube is a positive person. The work item goes to the member's grid, the
tube to the lowest jurisdiction holding all its members, so each level sees what is its own.
"""

import datetime
import os

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed
from pingji.core.actions import conflict, error, not_in_future, record_on
from pingji.core.messages import message
from pingji.geo.choices import CODE_LENGTH
from pingji.geo.models import Jurisdiction
from pingji.protocols import rules as protocol_rules
from pingji.tasks.actions.rule_tasks import do_close_rule_tasks, do_issue_rule_task

from ..choices import FollowUpStatus, TubeResult
from ..contracts import RETEST_RECORDED, TUBE_POSITIVE
from ..models import FollowUp, PositiveTube, Round


def _common_code(codes: list[str], fallback: str) -> str:
    """The lowest level of the tree containing every code (a jurisdiction's code)."""
    prefix = os.path.commonprefix(codes) if codes else ""
    length = max((n for n in CODE_LENGTH.values() if n <= len(prefix)), default=0)
    return prefix[:length] if length else fallback


def _follow_up_deadline(round: Round, resulted_at: datetime.datetime) -> datetime.datetime:
    """The pooling rule says "immediately" (立即就地管控); the hours to have a pushed person
    under control (``dispatch.locate_and_control_hours``) bound it, else it is due at once."""
    hours = protocol_rules.dispatch(round.protocol).locate_and_control_hours
    return resulted_at + datetime.timedelta(hours=hours or 0)


def open_follow_ups(round, upload, tubes, members, actor) -> int:
    """A positive tube per reported positive, and a follow-up (with its work item) per member.

    ``tubes`` and ``members`` come from the analytic store (``store.positive_tubes``,
    ``store.tube_members``) as local wall-clock times; the tube's event is dated by the
    laboratory's result time, when the pool was found positive. A tube is positive once a round:
    one already followed up, or named twice (rows a crashed import stored twice, before the lake
    kept a manifest), is followed up once (docs/decisions/0039).
    """
    tz = timezone.get_current_timezone()
    by_tube: dict[str, dict[int, tuple]] = {}
    for barcode, person, grid, sampled_at in members:
        by_tube.setdefault(barcode, {}).setdefault(person, (person, grid, sampled_at))
    done = set(
        PositiveTube.objects.filter(round=round, barcode__in=[t[0] for t in tubes]).values_list(
            "barcode", flat=True
        )
    )
    created = 0
    for barcode, resulted_at, size in tubes:
        if barcode in done:
            continue
        done.add(barcode)
        people = list(by_tube.get(barcode, {}).values())
        at = timezone.make_aware(resulted_at, tz)
        tube = PositiveTube.objects.create(
            round=round,
            barcode=barcode,
            size=size,
            resulted_at=at,
            upload=upload,
            jurisdiction_id=_common_code([g for _p, g, _s in people], round.jurisdiction_id),
        )
        record_on(
            tube,
            TUBE_POSITIVE,
            message(
                gettext_noop("Tube %(b)s positive: %(n)s people under control"),
                {"b": barcode, "n": size},
            ),
            actor=actor,
            at=at,
            payload={"round": round.pk},
        )
        single = size == 1
        for person, grid, sampled_at in people:
            follow = FollowUp.objects.create(
                tube=tube,
                person_id=person,
                jurisdiction_id=grid,
                sampled_at=timezone.make_aware(sampled_at, tz),
                status=FollowUpStatus.POSITIVE if single else FollowUpStatus.AWAITING_RETEST,
            )
            if not single:
                do_issue_rule_task(
                    follow,
                    actor=actor,
                    owner=Jurisdiction.objects.get(pk=grid),
                    kind="testing.retest",
                    title=_("Control and retest in a single tube: %(p)s (tube %(b)s)")
                    % {"p": follow.person, "b": barcode},
                    deadline=_follow_up_deadline(round, at),
                    description=protocol_rules.pooling(round.protocol).positive_pool_action,
                )
            created += 1
    return created


def do_record_retest(
    follow: FollowUp, *, actor, result: str, barcode: str = "", at=None
) -> FollowUp:
    """The single-tube retest of a pool member: negative closes the work item, positive asks
    for the case report (pre-filled from this row). The event is dated ``at``, the retest's time,
    which a sampler in the field enters later."""
    if result not in (TubeResult.NEGATIVE, TubeResult.POSITIVE):
        raise error("result", _("A retest is negative or positive."))
    at = not_in_future(at, "at") if at is not None else clock.now()
    with transaction.atomic():
        follow = FollowUp.objects.select_for_update().get(pk=follow.pk)
        ensure_allowed(actor, follow, "change")
        if follow.status != FollowUpStatus.AWAITING_RETEST:
            raise conflict("result", _("This retest is already recorded."))
        follow.status = (
            FollowUpStatus.NEGATIVE if result == TubeResult.NEGATIVE else FollowUpStatus.POSITIVE
        )
        follow.retest_barcode = (barcode or "").strip().upper()[:32]
        follow.retest_at = at
        follow.save(update_fields=["status", "retest_barcode", "retest_at"])
        record_on(
            follow,
            RETEST_RECORDED,
            message(
                gettext_noop("Retest of %(p)s: %(r)s"),
                {"p": follow.person.name, "r": FollowUpStatus(follow.status).label},
            ),
            actor=actor,
            at=at,
            payload={"result": result},
        )
        do_close_rule_tasks(follow, actor=actor, note=follow.get_status_display())
    return follow

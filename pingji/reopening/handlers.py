"""Reactions to other domains' events (registered in ``apps.ReopeningConfig.ready``).

A new case among an establishment's staff or pupils raises an ``Alert`` proposing to pause it.
The alert is written in the case's own transaction (``core.events.subscribe``), so a case report
that rolls back leaves no alert behind, and it is dated when the case was reported, as its event
is; the decision to pause stays with a person (``actions.resumption.do_decide_alert``), since a
case found already in quarantine may not touch the workplace. The alert says what the rule pack
of the case's disease makes of the establishment's cases now (``clusters``, decision 0041): a
cluster or an outbreak and its response, and a class or the whole establishment to close.
"""

from django.utils.translation import gettext_noop

from pingji.cases.contracts import REPORTED as CASE_REPORTED
from pingji.core.events import record_event, subscribe
from pingji.core.messages import message

from .choices import Affiliation, Status
from .clusters import judge
from .contracts import ALERT_RAISED
from .models import Alert, Member

#: Statuses in which people gather at the establishment, so a case there matters.
GATHERING = (Status.OPEN, Status.RESUMED, Status.APPLIED, Status.INSPECTED)


@subscribe(CASE_REPORTED)
def on_case_reported(event) -> None:
    from pingji.cases.models import Case

    case = (
        Case.objects.filter(pk=event.object_id)
        .only("pk", "person_id", "disease_id", "reported_at")
        .first()
    )
    if case is None:
        return
    members = Member.objects.filter(
        person_id=case.person_id, establishment__status__in=GATHERING
    ).select_related("establishment")
    for member in members:
        est = member.establishment
        finding = judge(case, est, member)
        alert, created = Alert.objects.get_or_create(
            establishment=est,
            case=case,
            defaults={
                "role": member.role,
                "raised_at": event.time,
                "finding": finding.text() if finding else "",
                "closure_days": finding.closure["days_closed"]
                if finding and finding.closure
                else None,
                "closure_group": finding.closure_group if finding else "",
            },
        )
        if created:
            record_event(
                ALERT_RAISED,
                message(
                    gettext_noop("A case among the %(role)s of %(name)s: pause proposed"),
                    {"role": Affiliation(member.role).label, "name": est.name},
                ),
                jurisdiction_code=est.jurisdiction_id,
                subject=est,
                actor=event.actor,
                payload={"case": case.pk, "alert": alert.pk},
                at=event.time,
            )

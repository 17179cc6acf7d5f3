"""Reactions to the domains' decisions (registered in ``apps.NoticesConfig.ready``).

Each handler runs inside the transaction of the decision's event (decision 0024), so the notice
is written with its decision or not at all (decision 0043 point 2). The handlers only find the
decision's rows; what is issued or revoked is ``actions.decisions``'s.
"""

from pingji.areas.contracts import PUBLISHED
from pingji.areas.models import Transition
from pingji.core.events import subscribe
from pingji.quarantine.contracts import RELEASED, TAKEN_BACK
from pingji.quarantine.models import Release
from pingji.reopening.choices import Status
from pingji.reopening.contracts import PAUSED, RESUMED
from pingji.reopening.models import Application, Establishment, StatusChange
from pingji.tracing.contracts import DISPATCH_RETURNED, DISPATCHED
from pingji.tracing.models import Dispatch

from .actions import decisions


@subscribe(PUBLISHED)
def on_area_published(event) -> None:
    transition = (
        Transition.objects.select_related("area", "area__protocol")
        .filter(pk=event.payload["transition"])
        .first()
    )
    if transition is not None:
        decisions.area_published(transition, event)


@subscribe(RELEASED)
def on_released(event) -> None:
    release = (
        Release.objects.select_related(
            "placement", "placement__person", "placement__protocol", "placement__home", "site"
        )
        .filter(pk=event.payload["release"])
        .first()
    )
    if release is not None:
        decisions.released(release.placement, release, event)


@subscribe(TAKEN_BACK)
def on_taken_back(event) -> None:
    dispatch = Dispatch.objects.filter(pk=event.payload["dispatch"]).first()
    if dispatch is not None:
        answer = dispatch.return_reason or ("无法联系" if dispatch.status == "unreachable" else "")
        why = f"对方未接收（{answer or '退回'}），已收回本地管理"
        decisions.dispatch_reversed(dispatch, event, why)


@subscribe(DISPATCHED)
def on_dispatched(event) -> None:
    dispatch = (
        Dispatch.objects.select_related("person", "reported").filter(pk=event.object_id).first()
    )
    if dispatch is not None:
        decisions.dispatched(dispatch, event)


@subscribe(DISPATCH_RETURNED)
def on_dispatch_returned(event) -> None:
    dispatch = Dispatch.objects.filter(pk=event.object_id).first()
    if dispatch is not None:
        why = f"对方退回：{dispatch.return_reason or '非本地居民'}"
        decisions.dispatch_reversed(dispatch, event, why)


@subscribe(RESUMED)
def on_resumed(event) -> None:
    establishment = Establishment.objects.filter(pk=event.object_id).first()
    application = (
        Application.objects.filter(establishment_id=event.object_id, approved=True)
        .order_by("-decided_at", "-id")
        .first()
    )
    if establishment is not None and application is not None:
        decisions.resumed(establishment, application, event)


@subscribe(PAUSED)
def on_paused(event) -> None:

    establishment = Establishment.objects.filter(pk=event.object_id).first()
    change = (
        StatusChange.objects.filter(establishment_id=event.object_id, status=Status.PAUSED)
        .order_by("-at", "-id")
        .first()
    )
    if establishment is not None and change is not None:
        decisions.paused(establishment, change, event)

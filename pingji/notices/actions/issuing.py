"""Issuing, superseding and revoking notices inside the transaction of the decision behind them.

``issue`` is the one way a notice is written (decision 0043 points 2 and 3): it takes the drafts
a decision produces, skips those already issued for the same (kind, source, recipient) — a
replayed event issues nothing new — and numbers the rest as one block under one counter lock, so
ten thousand household notices cost one lock and one bulk insert, not ten thousand of each.
"""

import secrets
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet

from pingji.core import audit, clock
from pingji.core.actions import local_date
from pingji.core.events import record_event
from pingji.core.models import DomainEvent
from pingji.geo.models import Jurisdiction

from .. import numbering
from ..choices import NoticeStatus
from ..contracts import ISSUED
from ..models import Notice


@dataclass
class Draft:
    """One notice a decision produces, before it has a number: to whom, where, saying what."""

    recipient_key: str
    recipient_label: str
    jurisdiction_id: str
    content: dict[str, Any]
    links: dict[str, Any] = field(default_factory=dict)  # person_id, household_id…


def new_token() -> str:
    """128 random bits, URL-safe: what the QR code prints and the public page accepts."""
    return secrets.token_urlsafe(16)


def key_of(model_or_row) -> ContentType:
    return ContentType.objects.get_for_model(model_or_row, for_concrete_model=True)


def issue(
    kind: str,
    *,
    issuer: Jurisdiction,
    source: models.Model,
    subject: models.Model,
    drafts: list[Draft],
    actor=None,
) -> dict[str, Notice]:
    """The notices of ``drafts`` by recipient key: those already issued from ``source`` as they
    are, the others numbered and written now. Runs in the caller's transaction (a handler's).
    """
    if not drafts:
        return {}
    source_type = key_of(source)
    wanted = {d.recipient_key for d in drafts}
    with transaction.atomic():
        issued_at = clock.now()
        year = local_date(issued_at).year
        first = None
        existing = _existing(kind, source_type, source.pk)
        todo = [d for d in drafts if d.recipient_key not in existing]
        if todo:
            first = numbering.allot(issuer.code, kind, year, len(todo))
            # read again under the lock: a concurrent issuer of the same decision may have won
            # (then the numbers it took for us are a gap, never a duplicate)
            existing = _existing(kind, source_type, source.pk)
            todo = [d for d in todo if d.recipient_key not in existing]
        rows = [
            _row(kind, issuer, d, source_type, source, subject, issued_at, year, (first or 0) + i)
            for i, d in enumerate(todo)
        ]
        created = Notice.objects.bulk_create(rows, batch_size=2000)
        if created:
            record_event(
                ISSUED,
                f"{len(created)} × {created[0].title}",
                jurisdiction_code=issuer.code,
                subject=created[0],
                actor=actor,
                payload={
                    "kind": kind,
                    "count": len(created),
                    "source_type": f"{source_type.app_label}.{source_type.model}",
                    "source_id": str(source.pk),
                },
            )
    found = {key: n for key, n in existing.items() if key in wanted}
    found.update((n.recipient_key, n) for n in created)
    return found


def _existing(kind: str, source_type, source_id) -> dict[str, Notice]:
    """What this decision already issued of this kind, by recipient key (all of it: a list of
    ten thousand keys in an ``IN`` would pass SQLite's limit on a statement's variables)."""
    rows = Notice.objects.filter(kind=kind, source_type=source_type, source_id=str(source_id))
    return {n.recipient_key: n for n in rows}


def _row(kind, issuer, draft: Draft, source_type, source, subject, issued_at, year, seq) -> Notice:
    number = numbering.number(issuer.name, kind, year, seq)
    return Notice(
        kind=kind,
        number=number,
        year=year,
        sequence=seq,
        issuer=issuer,
        jurisdiction_id=draft.jurisdiction_id,
        recipient_key=draft.recipient_key,
        recipient_label=draft.recipient_label[:300],
        source_type=source_type,
        source_id=str(source.pk),
        subject_type=key_of(subject),
        subject_id=str(subject.pk),
        issued_at=issued_at,
        content={**draft.content, "number": number},
        token=new_token(),
        **draft.links,
    )


def of_subject(subject: models.Model, *kinds: str) -> QuerySet:
    """The valid notices of these kinds about ``subject`` (an area, a placement…)."""
    return Notice.objects.filter(
        subject_type=key_of(subject),
        subject_id=str(subject.pk),
        kind__in=kinds,
        status=NoticeStatus.VALID,
    )


def of_source(source: models.Model, *kinds: str) -> QuerySet:
    """The valid notices of these kinds issued from the decision row ``source``."""
    return Notice.objects.filter(
        source_type=key_of(source),
        source_id=str(source.pk),
        kind__in=kinds,
        status=NoticeStatus.VALID,
    )


def _log_for(count: int, what: str):
    """A reversal of thousands of notices (a sealed area lifted) is logged as one load, like the
    block that issued them; a handful row by row like any update (``core.audit``)."""
    return audit.loading(what) if count > audit.LOAD_ROWS else nullcontext()


def revoke(rows: QuerySet, *, reason: str, event: DomainEvent | None, actor=None) -> int:
    """Revoke the valid notices among ``rows``: the decision they stood for was reversed."""
    rows = rows.filter(status=NoticeStatus.VALID)
    with _log_for(rows.count(), f"notices revoked: {reason}"):
        return _revoke(rows, reason=reason, event=event, actor=actor)


def _revoke(rows: QuerySet, *, reason: str, event: DomainEvent | None, actor) -> int:
    return rows.update(
        status=NoticeStatus.REVOKED,
        revoked_at=clock.now(),
        revoked_by=actor if getattr(actor, "pk", None) else None,
        reason=reason[:500],
        revoked_event=event,
    )


def supersede(
    rows: QuerySet, by: Notice | dict[str, Notice], *, reason: str, event: DomainEvent | None
) -> int:
    """Mark the valid notices among ``rows`` superseded by ``by`` (one notice for all, or the new
    notice of each recipient key); a row whose recipient has no new notice is revoked instead."""
    now, reason = clock.now(), reason[:500]
    fields = {"revoked_at": now, "reason": reason, "revoked_event": event}
    if isinstance(by, Notice):
        return (
            rows.filter(status=NoticeStatus.VALID)
            .exclude(pk=by.pk)
            .update(status=NoticeStatus.SUPERSEDED, superseded_by=by, **fields)
        )
    new = {n.pk for n in by.values()}
    old = [n for n in rows.filter(status=NoticeStatus.VALID) if n.pk not in new]
    for notice in old:
        successor = by.get(notice.recipient_key)
        notice.status = NoticeStatus.SUPERSEDED if successor else NoticeStatus.REVOKED
        notice.superseded_by = successor
        notice.revoked_at, notice.reason, notice.revoked_event = now, reason, event
    with _log_for(len(old), f"notices superseded: {reason}"):
        Notice.objects.bulk_update(
            old,
            ["status", "superseded_by", "revoked_at", "reason", "revoked_event"],
            batch_size=1000,
        )
    return len(old)

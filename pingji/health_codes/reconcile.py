"""What each push became: rows by outcome, and which of its persons have since been placed.

Read through ``restrict`` only, so a county sees its own pushes and a city its counties'.
"Placed" is read back from quarantine (a placement of the row's person begun at or after the push
was received), because accepting a row is a decision and only quarantine places; "dispatched"
adds the receiving county's answer as tracing keeps it.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef

from pingji.quarantine.models import Placement

from .choices import Outcome
from .models import Push, PushRow


@dataclass
class PushSummary:
    push: Push
    counts: dict[str, int] = field(default_factory=dict)
    placed: int = 0

    @property
    def cells(self) -> list[int]:
        """The counts in the order of ``Outcome`` (what the pages' columns show)."""
        return [self.counts.get(o, 0) for o in Outcome.values]

    @property
    def open(self) -> int:
        return self.counts.get(Outcome.PROPOSED, 0)


def placed_rows(rows):
    """The rows whose person has a placement begun since the push was received."""
    placements = Placement.objects.filter(
        person_id=OuterRef("person_id"), placed_at__gte=OuterRef("push__received_at")
    )
    return rows.filter(person__isnull=False).filter(Exists(placements))


def summarise(pushes, user) -> list[PushSummary]:
    """One summary per push, counts from its rows in one grouped query."""
    pushes = list(pushes)
    rows = PushRow.objects.restrict(user).filter(push__in=pushes)
    counts: dict[int, dict[str, int]] = {}
    for push_id, outcome, n in rows.values_list("push_id", "outcome").annotate(n=Count("id")):
        counts.setdefault(push_id, {})[outcome] = n
    placed = dict(
        placed_rows(rows).values_list("push_id").annotate(n=Count("id")).values_list("push_id", "n")
    )
    return [PushSummary(p, counts.get(p.pk, {}), placed.get(p.pk, 0)) for p in pushes]


def as_dict(summary: PushSummary) -> dict:
    push = summary.push
    return {
        "id": push.pk,
        "push": push.pk,
        "kind": push.kind,
        "source": push.source,
        "received_at": push.received_at.isoformat(),
        "rows": push.rows,
        "counts": {o: summary.counts.get(o, 0) for o in Outcome.values},
        "placed": summary.placed,
        "open": summary.open,
    }


def row_dict(row: PushRow) -> dict:
    """A row as the API shows it: masked particulars, never a hash or a ciphertext."""
    return {
        "id": row.pk,
        "push": row.push_id,
        "line": row.line,
        "name": row.name,
        "id_number": row.id_number_masked,
        "phone": row.phone_masked,
        "colour": row.colour,
        "at": row.at.isoformat() if row.at else None,
        "until": row.until.isoformat() if row.until else None,
        "reference": row.reference,
        "outcome": row.outcome,
        "reason_code": row.reason_code,
        "reason": row.reason,
        "dispatch": row.dispatch_id,
    }

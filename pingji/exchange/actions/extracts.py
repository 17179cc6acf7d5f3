"""Importing an extract of the national system's cards: all rows or none, once per content.

The file is known by its SHA-256 in the importer's area (decision 0039): the same file again is
the extract already imported and changes nothing. Rows are known by their card number: a card
already stored with the same facts is counted ``already``; one whose facts changed (a revised
card in a later extract) is updated. A card matched to a case whose report card is not yet filed
files it (``cards.file_card``, closing the filing task), as if the number had been typed in.

Every row is checked first (``extracts.check``); any refusal refuses the file with its per-row
report and nothing is written. The writes then run in one transaction.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core import clock
from pingji.core.access import ensure_allowed, scope_code
from pingji.core.actions import record_on
from pingji.core.importing import RowError
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction

from .. import extracts
from ..contracts import EXTRACT_IMPORTED
from ..models import Extract, ExtractCard, ReportCard
from .cards import file_card


@dataclass
class Outcome:
    """What an import did, or why it did nothing."""

    extract: Extract | None = None
    repeated: bool = False
    created: int = 0
    updated: int = 0
    already: int = 0
    filed: int = 0
    unmatched: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _area(actor) -> Jurisdiction:
    code = scope_code(actor)
    if code is None or not actor.has_perm("exchange.add_extract"):
        raise PermissionDenied(_("You may not import extracts."))
    found = Jurisdiction.objects.filter(code=code).first() if code else None
    if found is None:
        found = Jurisdiction.objects.filter(parent__isnull=True).order_by("code").first()
    if found is None:
        raise PermissionDenied(_("You may not import extracts."))
    return found


def do_import_extract(data: bytes, *, name: str, actor) -> Outcome:
    """Import the extract ``data`` (xlsx or CSV bytes) for the actor's area."""
    area = _area(actor)
    sha = hashlib.sha256(data).hexdigest()
    known = Extract.objects.filter(jurisdiction=area, sha256=sha).first()
    if known is not None:
        return Outcome(extract=known, repeated=True)
    checked = extracts.check(extracts.read(data, name), actor)
    if checked.errors:
        return Outcome(errors=checked.errors)
    with transaction.atomic():
        outcome = _write(checked.rows, area=area, sha=sha, name=name, actor=actor)
    return outcome


def _write(rows, *, area, sha: str, name: str, actor) -> Outcome:
    extract = Extract.objects.create(
        jurisdiction=area, sha256=sha, name=name[:200], rows=len(rows), imported_by=actor
    )
    outcome = Outcome(extract=extract)
    for row in rows:
        _store(row, extract, outcome)
        _file(row, actor, outcome)
    extract.filed, extract.already = outcome.filed, outcome.already
    extract.save(update_fields=["filed", "already"])
    ensure_allowed(actor, extract, "add")
    record_on(
        extract,
        EXTRACT_IMPORTED,
        message(gettext_noop("National extract imported: %(rows)s cards"), {"rows": len(rows)}),
        actor=actor,
        payload={
            "sha256": sha,
            "rows": len(rows),
            "filed": outcome.filed,
            "already": outcome.already,
        },
    )
    return outcome


def _store(row: extracts.Row, extract: Extract, outcome: Outcome) -> None:
    facts = {
        "county_id": row.county,
        "disease_id": row.disease,
        "classification": row.classification,
        "diagnosed_at": row.diagnosed_at,
        "reported_at": row.reported_at,
        "case": row.case,
        "facts_hash": row.facts_hash,
    }
    stored = ExtractCard.objects.select_for_update().filter(card_number=row.card_number).first()
    if stored is None:
        ExtractCard.objects.create(extract=extract, card_number=row.card_number, **facts)
        outcome.created += 1
    elif stored.facts_hash == row.facts_hash:
        outcome.already += 1
    else:
        for key, value in facts.items():
            setattr(stored, key, value)
        stored.extract = extract
        stored.save()
        outcome.updated += 1
    if row.case is None:
        outcome.unmatched += 1


def _file(row: extracts.Row, actor, outcome: Outcome) -> None:
    if row.case is None:
        return
    card = ReportCard.objects.select_for_update().filter(case=row.case).first()
    if card is None or card.voided_at is not None or card.filed_at is not None:
        return
    filed_at = row.reported_at or clock.now()
    if file_card(card, actor=actor, card_number=row.card_number, filed_at=filed_at, via="extract"):
        outcome.filed += 1

"""What each checked row of a push becomes, decided for the whole push at once (set-based).

The persons are matched by keyed hash in one query per ``CHUNK`` hashes, the rows already listed
are found by their de-duplication keys the same way, and ``decide`` — the one rule, also used by
the row-by-row reference path of ``bench/pushes.py`` — gives each row its outcome. Nothing here
writes.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pingji.people.models import Person

from .checks import Checked
from .choices import Outcome
from .models import PushRow

CHUNK = 5000


@dataclass(frozen=True)
class Match:
    person: int
    code: str  # the person's grid of residence


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def persons_by_hash(hashes: Iterable[str]) -> dict[str, Match]:
    """Registered persons by identity hash, never decrypting anything."""
    wanted = sorted({h for h in hashes if h})
    found: dict[str, Match] = {}
    for chunk in _chunks(wanted):
        rows = Person.objects.filter(id_number_hash__in=chunk)
        for h, pk, code in rows.values_list("id_number_hash", "pk", "jurisdiction_id"):
            found[str(h)] = Match(pk, code)
    return found


def keys_listed(receiving: str, keys: Iterable[str]) -> set[str]:
    """The de-duplication keys an earlier push already listed in this jurisdiction."""
    wanted = sorted(set(keys))
    listed: set[str] = set()
    for chunk in _chunks(wanted):
        rows = PushRow.objects.filter(jurisdiction_id=receiving, dedup_key__in=chunk)
        listed.update(str(key) for key in rows.values_list("dedup_key", flat=True))
    return listed


def decide(
    row: Checked, key: str, match: Match | None, seen: set[str], receiving: str
) -> tuple[str, str, str]:
    """(outcome, reason code, reason) of a checked row; adds a counted row's key to ``seen``.

    Order matters: a refused row is refused whatever else is true; a listing seen before adds
    nothing; a person of the receiving jurisdiction is proposed, of another county of the
    province dispatched, of another province refused; nobody registered is "not found".
    """
    if row.reason_code:
        return Outcome.REFUSED, row.reason_code, row.reason
    if key in seen:
        return Outcome.DUPLICATE, "duplicate", _("already listed for this person and window")
    if match is not None and match.code[:2] != receiving[:2]:
        return Outcome.REFUSED, "province", _("the person lives in another province")
    seen.add(key)
    if match is None:
        return Outcome.NOT_FOUND, "", ""
    if match.code.startswith(receiving):
        return Outcome.PROPOSED, "", ""
    return Outcome.DISPATCHED, "", ""


def plan(
    rows: list[Checked], kind: str, receiving: str, matches: Mapping[str, Match], listed: set[str]
) -> list[tuple[Checked, str, str, str, str]]:
    """(row, key, outcome, reason code, reason) for every row, in the push's order."""
    seen = set(listed)
    out = []
    for row in rows:
        key = row.dedup_key(kind) if not row.reason_code else ""
        outcome, code, reason = decide(row, key, matches.get(row.id_hash), seen, receiving)
        out.append((row, key, outcome, code, reason))
    return out

"""The national protocol versions shipped with the package (``data/*.json``) and their loading.

The data migration and ``pingji loadprotocols`` both call ``load_national``; it is keyed on the
version's ``code`` so running it again changes nothing, and it validates every file first so a
broken file loads nothing at all.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .rules import validate_rules

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class BundledVersion:
    code: str
    name: str
    effective_from: datetime.date
    source: str
    notes: str
    rules: dict
    path: Path


def _parse(path: Path) -> BundledVersion:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        version = BundledVersion(
            code=data["code"],
            name=data["name"],
            effective_from=datetime.date.fromisoformat(data["effective_from"]),
            source=data.get("source", ""),
            notes=data.get("notes", ""),
            rules=data["rules"],
            path=path,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"{path.name}: {exc!r}") from exc
    errors = validate_rules(version.rules)
    if errors:
        raise ValidationError([f"{path.name}: {e}" for e in errors])
    return version


def bundled_versions(directory: Path = DATA_DIR) -> list[BundledVersion]:
    """Every shipped version, oldest first; raises ValidationError naming file, path and reason."""
    return sorted(
        (_parse(p) for p in sorted(directory.glob("*.json"))), key=lambda v: v.effective_from
    )


def load_national(model, *, update: bool = True, directory: Path = DATA_DIR) -> dict[str, int]:
    """Create missing national versions; with ``update``, reset the others to their files.

    ``model`` is passed in so the data migration can use its historical model. Returns counts of
    created, updated and unchanged rows.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    versions = bundled_versions(directory)
    with transaction.atomic():
        for v in versions:
            fields = {
                "name": v.name,
                "effective_from": v.effective_from,
                "source": v.source,
                "notes": v.notes,
                "rules": v.rules,
            }
            row = model.objects.filter(jurisdiction_code="", code=v.code).first()
            if row is None:
                model.objects.create(jurisdiction_code="", code=v.code, **fields)
                counts["created"] += 1
            elif update and any(getattr(row, k) != value for k, value in fields.items()):
                for k, value in fields.items():
                    setattr(row, k, value)
                row.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts

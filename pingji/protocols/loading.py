"""The disease packs and national protocol versions shipped with the package, and their loading.

``data/diseases/<code>.json`` holds one pack per disease (decision 0041); ``data/*.json`` holds
the national protocol versions, each naming its disease: the COVID-19 editions and the other
diseases' rule packs. The data migration and ``pingji loadprotocols`` both call
``load_national``; it is keyed on the pack's and the version's ``code`` so running it again
changes nothing, and it validates every file first so a broken file loads nothing at all.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from .rules import validate_rules
from .schema.packs import validate_pack

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class BundledVersion:
    code: str
    disease: str
    name: str
    effective_from: datetime.date
    source: str
    notes: str
    rules: dict
    path: Path


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValidationError(f"{path.name}: {exc!r}") from exc
    if not isinstance(data, dict):
        raise ValidationError(f"{path.name}: $: must be an object")
    return data


def _parse(path: Path) -> BundledVersion:
    data = _read(path)
    try:
        version = BundledVersion(
            code=data["code"],
            disease=data["disease"],
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


def bundled_packs(directory: Path = DATA_DIR) -> dict[str, dict]:
    """Every shipped disease pack by code; raises ValidationError naming file, path and reason."""
    packs, errors = {}, []
    for path in sorted((directory / "diseases").glob("*.json")):
        pack = _read(path)
        errors += [f"{path.name}: {e}" for e in validate_pack(pack)]
        if path.stem != pack.get("code"):
            errors.append(f"{path.name}: $.code: must be the file's name, {path.stem}")
        packs[path.stem] = pack
    if errors:
        raise ValidationError(errors)
    return packs


def bundled_versions(directory: Path = DATA_DIR) -> list[BundledVersion]:
    """Every shipped version, by disease then oldest first; each names a shipped pack."""
    versions = [_parse(p) for p in sorted(directory.glob("*.json"))]
    known = bundled_packs(directory)
    unknown = [
        f"{v.path.name}: $.disease: no pack {v.disease!r}"
        for v in versions
        if v.disease not in known
    ]
    if unknown:
        raise ValidationError(unknown)
    return sorted(versions, key=lambda v: (v.disease, v.effective_from))


def _upsert(model, key: dict, fields: dict, update: bool, counts: dict) -> None:
    row = model.objects.filter(**key).first()
    if row is None:
        model.objects.create(**key, **fields)
        counts["created"] += 1
    elif update and any(getattr(row, k) != value for k, value in fields.items()):
        for k, value in fields.items():
            setattr(row, k, value)
        row.save()
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1


def load_packs(disease_model, *, update: bool = True, directory: Path = DATA_DIR) -> dict:
    """Create missing disease packs; with ``update``, reset the others to their files."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for code, pack in bundled_packs(directory).items():
        fields = {
            "name": pack["name"],
            "english_name": pack["english_name"],
            "notifiable_class": pack["notifiable_class"],
            "pack": pack,
        }
        _upsert(disease_model, {"code": code}, fields, update, counts)
    return counts


def load_national(
    model, disease_model, *, update: bool = True, directory: Path = DATA_DIR
) -> dict[str, int]:
    """Load the packs, then create missing national versions; with ``update``, reset the others
    to their files.

    The models are passed in so the data migration can use its historical ones. Returns counts of
    created, updated and unchanged versions (packs are counted by ``load_packs``).
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    versions = bundled_versions(directory)
    with transaction.atomic():
        load_packs(disease_model, update=update, directory=directory)
        for v in versions:
            fields = {
                "disease_id": v.disease,
                "name": v.name,
                "effective_from": v.effective_from,
                "source": v.source,
                "notes": v.notes,
                "rules": v.rules,
            }
            _upsert(model, {"jurisdiction_code": "", "code": v.code}, fields, update, counts)
    return counts

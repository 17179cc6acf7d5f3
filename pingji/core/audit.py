"""The generic change log: every save and delete of a project model becomes an ObjectChange.

Signals rather than per-view code, so no save or delete can skip it. The writes that Django runs
without signals go through ``AuditedQuerySet``, the base of every project model's queryset (a test
holds every audited model to it):

* ``update()`` logs one update per row, with the changed fields as they were and as they became,
  exactly like a save (``bulk_update()`` is Django's ``update()`` per batch, so it is logged too);
* ``bulk_create()`` logs one creation per row, exactly like a save, so a batch of reports and the
  same reports one by one leave the same log;
* inside ``loading(what)`` — a load of thousands of rows (a population register, a generated
  province) — ``bulk_create()`` and ``update()`` log one entry per statement instead, with its
  count (the ids created, the fields set) and ``what``: a row-by-row log would double the load,
  and the loader records its own domain event. A ``bulk_create()`` of more than ``LOAD_ROWS`` rows
  (the ten thousand contacts of a check-in search) is such a load wherever it runs.
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.query import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save

from . import personal_data
from .choices import ChangeAction
from .context import current_actor, current_request_id
from .jurisdiction import jurisdiction_of

#: Models whose own rows are the audit trail or pure bookkeeping.
NOT_AUDITED = {"core.objectchange", "core.domainevent", "core.job"}


def is_audited(model: type[models.Model]) -> bool:
    meta = model._meta
    return (
        model.__module__.startswith("pingji.")
        and getattr(model, "audited", True)  # a read model of audited rows sets it False
        and not meta.abstract
        and f"{meta.app_label}.{meta.model_name}" not in NOT_AUDITED
    )


def snapshot(obj: models.Model) -> dict:
    """The row's concrete field values as JSON, without fields the model marks as secret."""
    hidden = set(getattr(obj, "audit_exclude", ()))
    data = {
        f.attname: f.value_from_object(obj)
        for f in obj._meta.concrete_fields
        if f.name not in hidden
    }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


def for_log(model: type[models.Model], data: dict | None) -> dict | None:
    """What the log keeps of a snapshot: no keyed look-up hashes (they would make the log an
    oracle), and registered personal fields as ``personal_data.for_audit`` presents them.

    Changes are detected on the full snapshot, so a new identity number with the same mask is
    still logged as an update.
    """
    if data is None:
        return None
    kept = {k: v for k, v in data.items() if not k.endswith("_hash")}
    return personal_data.audit_snapshot(model, kept)


def _actor_id():
    actor = current_actor()
    return actor.pk if actor is not None and getattr(actor, "pk", None) else None


def _write(obj: models.Model, action: str, before: dict | None, after: dict | None) -> None:
    _change(obj, action, before, after).save()


def _change(obj: models.Model, action: str, before: dict | None, after: dict | None):
    from .models import ObjectChange

    return ObjectChange(
        actor_id=_actor_id(),
        request_id=current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        jurisdiction_code=jurisdiction_of(obj),
        before=for_log(type(obj), before),
        after=for_log(type(obj), after),
    )


#: Ids read or logged per statement, under SQLite's limit on a statement's variables.
CHUNK = 5000
#: A ``bulk_create`` of more rows than this is a load, logged per statement: logging ten thousand
#: machine-proposed contacts row by row doubled the time of writing them (BENCHMARKS.md).
LOAD_ROWS = 1000


def _scope_of(model: type[models.Model]) -> str | None:
    field = getattr(model, "scope_field", None)
    if field and field.split("__")[-2:] == ["jurisdiction", "code"]:
        return "__".join([*field.split("__")[:-2], "jurisdiction_id"])
    return field


def _rows(model, pks, fields: list[str]) -> dict:
    scope = _scope_of(model)
    columns = ["pk", *fields, *([scope] if scope else [])]
    found = {}
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        for row in model._base_manager.filter(pk__in=chunk).values(*columns):
            found[row.pop("pk")] = row
    return found


def _log_updates(model, before: dict, after: dict, fields: list[str]) -> None:
    from .models import ObjectChange

    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    scope, name = _scope_of(model), model._meta.verbose_name
    changes = []
    for pk, old in before.items():
        new = after.get(pk, {})
        was, now = _json({f: old.get(f) for f in fields}), _json({f: new.get(f) for f in fields})
        if was == now:
            continue
        changes.append(
            ObjectChange(
                actor_id=_actor_id(),
                request_id=current_request_id(),
                action=ChangeAction.UPDATE,
                content_type=content_type,
                object_id=str(pk),
                object_repr=f"{name} #{pk}"[:200],
                jurisdiction_code=(old.get(scope) if scope else "") or "",
                before=for_log(model, was),
                after=for_log(model, now),
            )
        )
    ObjectChange.objects.bulk_create(changes, batch_size=CHUNK)


def _json(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


_loading: ContextVar[str | None] = ContextVar("pingji_loading", default=None)


@contextmanager
def loading(what: str) -> Iterator[None]:
    """Log each ``bulk_create`` and ``update`` inside the block as one statement of the load
    ``what`` (module docstring)."""
    token = _loading.set(what)
    try:
        yield
    finally:
        _loading.reset(token)


def log_statement(
    model, action: str, rows: int, *, what: str | None = None, code: str = "", **facts
) -> None:
    """One change-log entry for a statement that wrote ``rows`` rows at once: a load's
    ``bulk_create`` or ``update``, or a load written in SQL for speed (which must call this, as
    ``tests/test_change_log_writes.py`` holds every module that writes SQL to). ``what`` defaults
    to the load being run (``loading``); ``facts`` say which ids or fields."""
    from .models import ObjectChange

    ObjectChange.objects.create(
        actor_id=_actor_id(),
        request_id=current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id="",
        object_repr=f"{rows} × {model._meta.verbose_name}"[:200],
        jurisdiction_code=code,
        before=None,
        after={"load": what or _loading.get() or "a write in SQL", "rows": rows, **facts},
    )


def _log_load(model, rows: list, what: str) -> None:
    ids = [row.pk for row in rows if row.pk is not None]
    scoped = hasattr(model, "scope_field")
    # the narrowest jurisdiction holding every row, so an area sees the loads into it
    code = os.path.commonprefix([jurisdiction_of(row) for row in rows]) if scoped else ""
    ids_span = [min(ids, default=None), max(ids, default=None)]
    log_statement(model, ChangeAction.CREATE, len(rows), what=what, code=code, ids=ids_span)


def _log_creations(model, rows: list) -> None:
    from .models import ObjectChange

    if any(row.pk is None for row in rows):  # ignore_conflicts: which rows went in is unknown
        _log_load(model, rows, "rows without their ids")
        return
    changes = [_change(row, ChangeAction.CREATE, None, snapshot(row)) for row in rows]
    ObjectChange.objects.bulk_create(changes, batch_size=CHUNK)


def _logged_columns(model, values) -> list[str]:
    """The columns an update sets, less those the model keeps out of the log (``audit_exclude``:
    ciphertexts, secrets), exactly as ``snapshot`` leaves them out of a save's entry."""
    hidden = set(getattr(model, "audit_exclude", ()))
    columns = []
    for name in values:
        field = model._meta.get_field(name)
        if field.name not in hidden:
            columns.append(getattr(field, "attname", name))  # an update names concrete fields
    return columns


class AuditedQuerySet(QuerySet):
    """The base of every project model's queryset: the writes Django runs without signals are
    logged here (module docstring)."""

    def update(self, **values) -> int:
        if not is_audited(self.model):
            return super().update(**values)
        what = _loading.get()
        if what is not None:
            count = super().update(**values)
            if count:
                log_statement(self.model, ChangeAction.UPDATE, count, what=what, set=sorted(values))
            return count
        fields = _logged_columns(self.model, values)
        if not fields:  # only secret fields change: a save would log nothing either
            return super().update(**values)
        before = _rows(self.model, list(self.values_list("pk", flat=True)), fields)
        count = super().update(**values)
        if before:
            _log_updates(self.model, before, _rows(self.model, list(before), fields), fields)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if is_audited(self.model) and created:
            what = _loading.get() or (
                f"{len(created)} rows at once" if len(created) > LOAD_ROWS else None
            )
            if what is None:
                _log_creations(self.model, created)
            else:
                _log_load(self.model, created, what)
        return created


AuditedManager = models.Manager.from_queryset(AuditedQuerySet)


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    old = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if before == after:
        return
    _write(instance, ChangeAction.CREATE if created else ChangeAction.UPDATE, before, after)


def _after_delete(sender, instance, **kwargs):
    if is_audited(sender):
        _write(instance, ChangeAction.DELETE, snapshot(instance), None)


def connect() -> None:
    for model in apps.get_models():
        if is_audited(model):
            uid = f"pingji-audit-{model._meta.label_lower}"
            pre_save.connect(_before_save, sender=model, dispatch_uid=uid + "-pre")
            post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
            post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + "-del")

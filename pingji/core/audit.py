"""The generic change log: every save and delete of a project model becomes an ObjectChange.

Signals rather than per-view code, so no write path can skip it (handbook, convention 4). Bulk
loads (``bulk_create``) bypass signals by design; the loaders record one domain event instead.
"""

import json

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from . import personal_data
from .choices import ChangeAction
from .context import current_actor, current_request_id

#: Models whose own rows are the audit trail or pure bookkeeping.
NOT_AUDITED = {"core.objectchange", "core.domainevent", "core.job"}


def is_audited(model: type[models.Model]) -> bool:
    meta = model._meta
    return (
        model.__module__.startswith("pingji.")
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
    from .models import ObjectChange

    ObjectChange.objects.create(
        actor_id=_actor_id(),
        request_id=current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        jurisdiction_code=getattr(obj, "scope", "") or "",
        before=for_log(type(obj), before),
        after=for_log(type(obj), after),
    )


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

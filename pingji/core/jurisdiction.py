"""Which jurisdiction a row belongs to: the one reading of ``scope_field`` shared code uses."""

from django.db import models


def jurisdiction_of(obj: models.Model) -> str:
    """The jurisdiction code a row belongs to, following its model's ``scope_field`` ("" for a
    model without one). Shared code reads it here rather than from ``obj.scope``, which a model
    may shadow with a field of its own (a testing campaign's ``scope`` is its deadline band).

    A path ending in ``jurisdiction__code`` is read from the key column: the code is the
    jurisdiction's primary key, so nothing (least of all its boundary) is loaded for it.
    """
    field = getattr(type(obj), "scope_field", None)
    if not field:
        return ""
    parts = field.split("__")
    if parts[-2:] == ["jurisdiction", "code"]:
        parts[-2:] = ["jurisdiction_id"]
    value: object = obj
    for part in parts:
        value = getattr(value, part, None)
    return str(value or "")

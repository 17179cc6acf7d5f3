"""Drill sandboxes (decision 0020): their codes, their one grid, and the guard that keeps drill
data apart from real records.

A sandbox is a township-level subtree under the drilling county, coded ``<county>9NN`` (township
codes 9xx are unused by the NBS in Fujian, and the loader never makes them) with one community and
one grid, every node flagged ``Jurisdiction.drill``. ``guard`` refuses any row that ties drill
data to a real record outside the drilling county's own chain; it is connected to every model's
``pre_save`` in ``apps.PreparednessConfig.ready``. All of this only reads: the writes that open
and remove sandboxes are the drill actions' (``actions.drills``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from pingji.core.access import ScopedModel
from pingji.core.models import DomainEvent
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction

from .models import Drill

COUNTY = CODE_LENGTH[Level.COUNTY]


def is_drill_code(code: str | None) -> bool:
    """A code inside a drill sandbox: its township digits start with 9 (decision 0020)."""
    return code is not None and len(code) > COUNTY and code[COUNTY] == "9"


def _cheap_code(obj) -> str | None:
    """The jurisdiction code of a row without a query (None when it would need one)."""
    if isinstance(obj, Jurisdiction):
        return obj.code
    field = getattr(type(obj), "scope_field", "")
    parts = field.split("__")
    if len(parts) == 2 and parts[1] == "code":
        return getattr(obj, f"{parts[0]}_id", None)
    if len(parts) == 1 and parts[0]:
        return getattr(obj, parts[0], None)
    first = parts[0] if parts else ""
    rel = type(obj)._meta.get_field(first) if first else None
    if rel is not None and rel.is_relation and rel.is_cached(obj):
        return _cheap_code(getattr(obj, first))
    return None


def _mixes(codes: list[str]) -> bool:
    """Drill codes with a real code that is not an ancestor of them (the county running it is)."""
    drills = [c for c in codes if is_drill_code(c)]
    reals = [c for c in codes if c and not is_drill_code(c)]
    return bool(drills) and any(not d.startswith(r) for d in drills for r in reals)


def guard(sender, instance, raw=False, **kwargs) -> None:
    """pre_save on every model: a row may not tie drill data to real records (and vice versa).

    Pure string work on codes already in memory (foreign-key ids and cached related rows), so the
    rest of the system pays nothing measurable for it.
    """
    if raw or not isinstance(instance, models.Model) or isinstance(instance, DomainEvent | Drill):
        return  # a drill's own row names its counties and sandboxes by design
    codes: list[str | None] = []
    if isinstance(instance, ScopedModel):
        codes.append(_cheap_code(instance))
    for field in instance._meta.concrete_fields:
        # A concrete many-to-one field is a ForeignKey (a OneToOneField is one-to-one).
        if (
            not isinstance(field, models.ForeignKey)
            or not field.many_to_one
            or field.related_model is None
        ):
            continue
        target = field.related_model
        if target is Jurisdiction:
            codes.append(getattr(instance, field.attname))
        elif issubclass(target, ScopedModel) and field.is_cached(instance):
            related = getattr(instance, field.name)
            if related is not None:
                codes.append(_cheap_code(related))
    if _mixes([c for c in codes if c]):
        raise ValidationError(
            _(
                "Drill data cannot touch real records: %(model)s links a drill "
                "sandbox to a real jurisdiction."
            )
            % {"model": instance._meta.verbose_name}
        )


def sandbox_grid(code: str) -> Jurisdiction:
    """A sandbox's one grid; a running drill always has it (``do_start_drill`` makes it)."""
    grid = Jurisdiction.objects.filter(code__startswith=code, level=Level.GRID, drill=True).first()
    if grid is None:
        raise Jurisdiction.DoesNotExist(f"No drill sandbox grid under {code}.")
    return grid

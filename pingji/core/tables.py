"""Column definitions for list pages: which attribute, under which heading, linked or not."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import personal_data


@dataclass(frozen=True)
class Column:
    attr: str
    heading: str | Promise
    link: bool = False

    def value(self, obj, labels: dict | None = None):
        """The cell of ``obj``; ``labels``: the column's choice labels, when the caller looked
        them up once for many rows (``get_…_display`` rebuilds them for every call)."""
        value = obj
        for part in self.attr.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
        if callable(value):
            value = value()
        if labels is not None:
            return labels.get(value, value)
        display = getattr(obj, f"get_{self.attr}_display", None)
        return display() if display and "." not in self.attr else value

    def labels(self, model) -> dict | None:
        """value → label of the model field this column shows, if it has choices."""
        if "." in self.attr:
            return None
        try:
            field = model._meta.get_field(self.attr)
        except FieldDoesNotExist:
            return None
        return {k: str(v) for k, v in field.flatchoices} if field.choices else None


class Table:
    """A list page's columns, declared once per model in the app's ``tables.py``."""

    columns: tuple[Column, ...] = ()

    def rows(self, objects):
        objects = list(objects)
        if not objects:
            return []
        labels = [c.labels(type(objects[0])) for c in self.columns]
        return [
            (obj, [(c, c.value(obj, ls)) for c, ls in zip(self.columns, labels, strict=True)])
            for obj in objects
        ]

    def presented(self, user, model, objects) -> tuple[tuple[Column, ...], list]:
        """Columns and rows as ``user`` may read them: registered personal fields go through
        ``personal_data.present`` (a birth date becomes the age, headed so — decision 0031).
        """
        kinds = personal_data.fields_of(model)
        hide_birth = not personal_data.may_see_birth_date(user)
        columns = tuple(
            Column(c.attr, _("age"), c.link)
            if hide_birth and kinds.get(c.attr) == personal_data.Kind.BIRTH_DATE
            else c
            for c in self.columns
        )
        rows = [
            (
                obj,
                [
                    (shown, personal_data.present(user, kinds[c.attr], v) if c.attr in kinds else v)
                    for shown, (c, v) in zip(columns, cells, strict=True)
                ],
            )
            for obj, cells in self.rows(objects)
        ]
        return columns, rows

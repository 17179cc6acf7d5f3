"""Column definitions for list pages: which attribute, under which heading, linked or not."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import personal_data


@dataclass(frozen=True)
class Column:
    attr: str
    heading: str | Promise
    link: bool = False

    def value(self, obj):
        value = obj
        for part in self.attr.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
        if callable(value):
            value = value()
        display = getattr(obj, f"get_{self.attr}_display", None)
        return display() if display and "." not in self.attr else value


class Table:
    """A list page's columns, declared once per model in the app's ``tables.py``."""

    columns: tuple[Column, ...] = ()

    def rows(self, objects):
        return [(obj, [(c, c.value(obj)) for c in self.columns]) for obj in objects]

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

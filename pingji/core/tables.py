"""Column definitions for list pages: which attribute, under which heading, linked or not."""

from dataclasses import dataclass

from django.utils.functional import Promise


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

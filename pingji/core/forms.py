"""Form helpers every app's pages share.

Model choices are filled through ``set_choices``/``limit_choices`` only, which refuse a scoped
model's rows that were not narrowed to the user; a test keeps forms from assigning ``queryset``
any other way.
"""

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

#: A select lists at most this many options; a user who needs another narrows the focus.
MAX_OPTIONS = 500


class DateInput(forms.DateInput):
    """The browser's date picker; it reads ISO 8601, which every language's first input format
    is (pingji/formats)."""

    input_type = "date"


def add_action_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's errors on the form's fields (or on the form when it has no such field)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def set_choices(field: forms.Field, queryset) -> None:
    """Offer ``queryset``'s rows in ``field``: the one way a form fills a model choice.

    A scoped model's rows must come narrowed to the caller (``restrict``, ``colleagues``) or be
    declared to reach beyond on purpose (``beyond_scope``); anything else is a programming error
    that would list, and accept, another area's rows, so it raises rather than renders. ``field``
    is taken as a form's ``fields`` give it (a plain ``Field`` to the type checker) and must be a
    model choice field.
    """
    if not isinstance(field, forms.ModelChoiceField):
        raise ImproperlyConfigured(f"{type(field).__name__} offers no model choices")
    if hasattr(queryset, "restrict") and not queryset.scoped and not queryset.query.is_empty():
        raise ImproperlyConfigured(
            f"{queryset.model.__name__} choices offered without restrict(): "
            "narrow them to the user, or say why they reach beyond (beyond_scope)."
        )
    field.queryset = queryset


def limit_choices(field: forms.Field, queryset, limit: int = MAX_OPTIONS, *, listed=None) -> None:
    """Validate against the whole queryset but list only its first ``limit`` rows (or of
    ``listed``, a part of it worth offering first, such as the likely duplicates of a record)."""
    set_choices(field, queryset)
    shown = queryset if listed is None else listed
    rows = [(obj.pk, str(obj)) for obj in shown[: limit + 1]]
    if len(rows) > limit:
        rows = rows[:limit]
        field.help_text = _("Only the first %(n)d are listed; narrow the focus to see others.") % {
            "n": limit
        }
    field.widget.choices = [("", "---------"), *rows]

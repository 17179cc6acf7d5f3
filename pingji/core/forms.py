"""Form helpers every app's pages share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: A select lists at most this many options; a user who needs another narrows the focus.
MAX_OPTIONS = 500


def add_action_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's errors on the form's fields (or on the form when it has no such field)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def limit_choices(field: forms.ModelChoiceField, queryset, limit: int = MAX_OPTIONS) -> None:
    """Validate against the whole queryset but list only its first ``limit`` rows."""
    field.queryset = queryset
    rows = [(obj.pk, str(obj)) for obj in queryset[: limit + 1]]
    if len(rows) > limit:
        rows = rows[:limit]
        field.help_text = _("Only the first %(n)d are listed; narrow the focus to see others.") % {
            "n": limit
        }
    field.widget.choices = [("", "---------"), *rows]

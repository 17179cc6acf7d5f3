from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Mode, ResponseLevel


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class SwitchModeForm(forms.Form):
    mode = forms.ChoiceField(label=_("mode"), choices=Mode.choices)
    level = forms.ChoiceField(
        label=_("response level"),
        choices=[("", _("— none (peacetime) —")), *ResponseLevel.choices],
        required=False,
        help_text=_("Emergency mode needs a level; peacetime has none."),
    )
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))
    effective_at = forms.DateTimeField(
        label=_("effective at"),
        required=False,
        widget=DateTimeInput(format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for now."),
    )

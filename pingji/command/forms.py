from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import HeadquartersLevel, Mode, ResponseLevel


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


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    body = forms.ChoiceField(label=_("body"), choices=HeadquartersLevel.choices)
    held_at = forms.DateTimeField(label=_("held at"), widget=DateTimeInput(format="%Y-%m-%dT%H:%M"))
    chaired_by = forms.CharField(label=_("chaired by"), max_length=100, required=False)
    attendees = forms.CharField(
        label=_("attendees"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One attendee or unit per line."),
    )
    minutes = forms.CharField(label=_("minutes"), widget=forms.Textarea(attrs={"rows": 8}))

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.command.choices import ResponseLevel

from .choices import DrillStep
from .models import WarningRule


class ReportForm(forms.Form):
    """Days and counts, one ``YYYY-MM-DD,count`` per line."""

    rows = forms.CharField(
        label=_("days and counts"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One line per day: 2021-09-01,12"),
    )

    def rows_list(self):
        out = []
        for line in self.cleaned_data["rows"].splitlines():
            if line.strip():
                day, _sep, count = line.partition(",")
                out.append((day.strip(), count.strip()))
        return out


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file (site, day, count)"))


class SwitchForm(forms.Form):
    level = forms.ChoiceField(label=_("response level"), choices=ResponseLevel.choices)
    reason = forms.CharField(label=_("reason"), max_length=500)


class DismissForm(forms.Form):
    note = forms.CharField(label=_("why"), max_length=300)


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("step"), choices=DrillStep.choices)
    done_at = forms.DateTimeField(label=_("done at"))


class FindingForm(forms.Form):
    text = forms.CharField(label=_("finding"), max_length=500)
    deadline = forms.DateTimeField(label=_("fix by"))


class EvaluateForm(forms.Form):
    day = forms.DateField(label=_("day"), initial=datetime.date.today)


class RuleForm(forms.ModelForm):
    """The thresholds of an early-warning rule; its jurisdiction and signal stay as they are."""

    class Meta:
        model = WarningRule
        fields = ["baseline_weeks", "ratio", "min_increase", "active"]

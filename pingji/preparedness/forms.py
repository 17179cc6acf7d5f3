from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.command.choices import ResponseLevel
from pingji.core import clock, uploads
from pingji.core.forms import set_choices
from pingji.protocols.models import Protocol

from .actions.surveillance import MAX_UPLOAD_BYTES
from .choices import DrillStep
from .editions import editions
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
    file = forms.FileField(
        label=_("CSV file (site, day, count)"),
        validators=[uploads.size_limit(MAX_UPLOAD_BYTES)],
    )


class SwitchForm(forms.Form):
    level = forms.ChoiceField(label=_("response level"), choices=ResponseLevel.choices)
    reason = forms.CharField(label=_("reason"), max_length=500)


class DismissForm(forms.Form):
    note = forms.CharField(label=_("why"), max_length=300)


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("step"), choices=DrillStep.choices)
    done_at = forms.DateTimeField(label=_("done at"))


class DrillProtocolForm(forms.Form):
    """The version a planned drill will run under, among those it can (``editions``)."""

    protocol = forms.ModelChoiceField(
        label=_("protocol version"),
        queryset=Protocol.objects.none(),
        required=False,
        empty_label=_("the one in force for the county when the drill starts"),
    )

    def __init__(self, *args, drill, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["protocol"]
        editions_of_drill = Protocol.objects.filter(pk__in=[p.pk for p in editions(drill)])
        set_choices(field, editions_of_drill.beyond_scope("any edition may be drilled, by design"))
        field.initial = drill.protocol_id


class FindingForm(forms.Form):
    text = forms.CharField(label=_("finding"), max_length=500)
    deadline = forms.DateTimeField(label=_("fix by"))


class EvaluateForm(forms.Form):
    day = forms.DateField(label=_("day"), initial=clock.today)


class RuleForm(forms.ModelForm):
    """The thresholds of an early-warning rule; its jurisdiction and signal stay as they are."""

    class Meta:
        model = WarningRule
        fields = ["method", "baseline_weeks", "ratio", "min_increase", "active"]

"""Forms for cases: what a person types, cleaned; the rules that tie fields together are the
action's, and its errors come back onto the same fields (``add_action_errors``).
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.core import uploads
from pingji.core.forms import DateInput
from pingji.core.widgets import PickerField, bind_picker
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction
from pingji.people.forms import IdNumberField, PhoneField
from pingji.protocols.models import COVID_19, Disease

from .actions.reports import REPORTABLE
from .choices import (
    REASON_MAX_LENGTH,
    REASONED_MOVES,
    TRANSITIONS,
    Channel,
    Classification,
    Origin,
    Outcome,
    ReclassificationReason,
    Severity,
    VoidReason,
)

#: An uploaded line list larger than this is refused before it is stored.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the browser, read in Asia/Shanghai (the active time zone)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


def _blank(choices) -> list:
    return [("", "---------"), *choices]


def grid_field(label, **kwargs) -> PickerField:
    """A grid of the user's area, typed: a county has thousands, too many for a drop-down."""
    return PickerField(
        "jurisdictions",
        label=label,
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such grid in your area.")},
        **kwargs,
    )


def bind_grids(field, user, focus: str) -> None:
    """Offer (and accept) the grids of the user's area inside the focus."""
    bind_picker(field, user, params={"within": focus, "level": Level.GRID})


class CaseReportForm(forms.Form):
    """Report a case by the person's identity number; an unknown number registers them first."""

    id_number = IdNumberField()
    name = forms.CharField(
        label=pgettext_lazy("person", "name"),
        max_length=60,
        required=False,
        help_text=_("Needed only when the person is not registered yet; otherwise it is checked."),
    )
    phone = PhoneField(required=False)
    jurisdiction = grid_field(
        _("grid of residence"),
        required=False,
        help_text=_("Where to register a person not yet registered."),
    )
    disease = forms.ModelChoiceField(
        label=_("disease"),
        queryset=Disease.objects.all(),
        initial=COVID_19,
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a disease known here.")},
    )
    classification = forms.ChoiceField(
        label=_("classification"),
        choices=_blank([(c.value, c.label) for c in REPORTABLE]),
    )
    severity = forms.ChoiceField(
        label=_("severity"),
        choices=_blank(Severity.choices),
        required=False,
        help_text=_("Confirmed cases only."),
    )
    onset_date = _date_field(_("symptom onset date"), required=False)
    sampled_at = LocalDateTimeField(label=_("sampling time"), required=False)
    reported_at = LocalDateTimeField(label=_("report time"))
    channel = forms.ChoiceField(label=_("discovery channel"), choices=_blank(Channel.choices))
    origin = forms.ChoiceField(
        label=_("local or imported"), choices=Origin.choices, initial=Origin.LOCAL
    )
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, focus: str = "", **kwargs):
        kwargs.setdefault("initial", {}).setdefault("reported_at", timezone.localtime())
        super().__init__(*args, **kwargs)
        bind_grids(self.fields["jurisdiction"], user, focus)


class ReclassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("new classification"), choices=())
    severity = forms.ChoiceField(
        label=_("severity"), choices=_blank(Severity.choices), required=False
    )
    onset_date = _date_field(
        _("symptom onset date"), required=False, help_text=_("If the case has none yet.")
    )
    sampled_at = LocalDateTimeField(
        label=_("sampling time"), required=False, help_text=_("If the case has none yet.")
    )
    at = LocalDateTimeField(label=_("time"))
    reason = forms.ChoiceField(
        label=_("reason"),
        choices=_blank(ReclassificationReason.choices),
        required=False,
        help_text=_("Required between confirmed and asymptomatic, either way."),
    )
    reason_text = forms.CharField(
        label=_("reason, in words"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for “other”."),
    )

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("at", timezone.localtime())
        super().__init__(*args, prefix="reclassify", **kwargs)
        targets = TRANSITIONS.get(case.classification, ())
        self.fields["classification"].choices = [
            (c.value, c.label) for c in Classification if c in targets
        ]
        needs_reason = any(before == case.classification for before, _after in REASONED_MOVES)
        if not needs_reason:  # no move from here needs a reason: none offered
            del self.fields["reason"], self.fields["reason_text"]


class VoidForm(forms.Form):
    """Void a case reported in error (核减): why, and in words for "other"."""

    reason = forms.ChoiceField(label=_("reason"), choices=_blank(VoidReason.choices))
    reason_text = forms.CharField(
        label=_("reason, in words"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “other”; kept with the case."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="void", **kwargs)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[(o.value, o.label) for o in (Outcome.RECOVERED, Outcome.DIED)],
    )
    at = LocalDateTimeField(label=_("time"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("at", timezone.localtime())
        super().__init__(*args, prefix="outcome", **kwargs)


class CorrectionForm(forms.Form):
    """Correct the dates, channel, origin or notes of a case (``do_update_case``)."""

    onset_date = _date_field(_("symptom onset date"), required=False)
    sampled_at = LocalDateTimeField(label=_("sampling time"), required=False)
    reported_at = LocalDateTimeField(label=_("report time"))
    channel = forms.ChoiceField(label=_("discovery channel"), choices=_blank(Channel.choices))
    origin = forms.ChoiceField(label=_("local or imported"), choices=Origin.choices)
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case, **kwargs):
        initial = {
            f: getattr(case, f)
            for f in ("onset_date", "sampled_at", "reported_at", "channel", "origin", "notes")
        }
        for f in ("sampled_at", "reported_at"):
            if initial[f] is not None:
                initial[f] = timezone.localtime(initial[f])
        kwargs.setdefault("initial", initial)
        super().__init__(*args, prefix="correct", **kwargs)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("line list (.xlsx)"))
    jurisdiction = grid_field(_("grid for persons not yet registered"), required=False)

    def __init__(self, *args, user, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        bind_grids(self.fields["jurisdiction"], user, focus)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        uploads.check_size(upload, MAX_UPLOAD_BYTES)
        return upload

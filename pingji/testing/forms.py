"""Testing forms: what a person types, cleaned; the rules are the actions', whose errors land on
the same fields (``core.forms.add_action_errors``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.cases.forms import LocalDateTimeField
from pingji.core.widgets import PickerField, PickerMultipleField, bind_picker
from pingji.geo.choices import LEVEL_ORDER, Level, PlaceKind
from pingji.geo.models import Jurisdiction, Place

from .choices import PoolingSetting, TestingScope, TubeResult, UploadKind

#: A campaign is run by a level that has staff to run it: any above the grid.
RUNNING_LEVELS = ",".join(level for level in LEVEL_ORDER if level != Level.GRID)


class CampaignForm(forms.Form):
    """A province's campaign covers thousands of communities and compounds: each is a picker
    narrowed to the focus (``core.widgets``)."""

    name = forms.CharField(label=_("name"), max_length=200)
    jurisdiction = PickerField(
        "jurisdictions",
        label=_("run by"),
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such jurisdiction in your area.")},
    )
    areas = PickerMultipleField(
        "jurisdictions",
        label=_("jurisdictions covered"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        help_text=_("Every resident of these areas is tested."),
        error_messages={
            "invalid_choice": _("Unknown jurisdiction: %(value)s."),
            "invalid_pk_value": _("Unknown jurisdiction: %(value)s."),
        },
    )
    places = PickerMultipleField(
        "places",
        label=_("compounds covered"),
        queryset=Place.objects.none(),
        required=False,
        help_text=_("Residents of these compounds and their buildings."),
        error_messages={
            "invalid_choice": _("Unknown place: %(value)s."),
            "invalid_pk_value": _("Unknown place: %(value)s."),
        },
    )
    setting = forms.ChoiceField(
        label=_("setting"), choices=PoolingSetting.choices, initial=PoolingSetting.GENERAL
    )
    scope = forms.ChoiceField(
        label=_("deadline scope"), choices=TestingScope.choices, initial=TestingScope.CITY
    )

    def __init__(self, *args, user, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        running = {"within": focus, "level": RUNNING_LEVELS}
        bind_picker(self.fields["jurisdiction"], user, params=running)
        bind_picker(self.fields["areas"], user, params={"within": focus})
        compounds = {"within": focus, "kind": PlaceKind.COMPOUND}
        bind_picker(self.fields["places"], user, params=compounds)


class RoundForm(forms.Form):
    starts_at = LocalDateTimeField(label=_("starts at"))
    ratio = forms.IntegerField(
        label=_("samples per tube"),
        required=False,
        min_value=1,
        help_text=_("Pooled rounds: one of the ratios the protocol allows; empty for the largest."),
    )


class SamplingPointForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    jurisdiction = PickerField(
        "jurisdictions",
        label=_("area"),
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such jurisdiction in your area.")},
    )
    staff = forms.IntegerField(label=_("sampling staff"), min_value=0, initial=0)
    opens = forms.TimeField(label=_("opens"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(label=_("closes"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, user, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        bind_picker(self.fields["jurisdiction"], user, params={"within": focus})


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=UploadKind.choices)
    file = forms.FileField(
        label=_("file"),
        help_text=_(
            "CSV (UTF-8 or GBK) or Parquet. Sampling: barcode, person or id_number, sampled_at"
            "[, point]. Results: barcode, result, resulted_at[, lab]."
        ),
    )


class RetestForm(forms.Form):
    result = forms.ChoiceField(
        label=_("retest result"),
        choices=[
            (TubeResult.NEGATIVE.value, TubeResult.NEGATIVE.label),
            (TubeResult.POSITIVE.value, TubeResult.POSITIVE.label),
        ],
    )
    barcode = forms.CharField(label=_("retest tube"), max_length=32, required=False)

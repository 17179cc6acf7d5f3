"""Testing forms: what a person types, cleaned; the rules are the actions', whose errors land on
the same fields (``core.forms.add_action_errors``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.cases.forms import LocalDateTimeField
from pingji.core.forms import limit_choices, set_choices
from pingji.geo.choices import Level, PlaceKind
from pingji.geo.models import Jurisdiction, Place

from .choices import PoolingSetting, TestingScope, TubeResult, UploadKind


def _visible(user, focus: str):
    return Jurisdiction.objects.restrict(user, "view").within(focus).order_by("code")


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    jurisdiction = forms.ModelChoiceField(label=_("run by"), queryset=Jurisdiction.objects.none())
    areas = forms.ModelMultipleChoiceField(
        label=_("jurisdictions covered"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        help_text=_("Every resident of these areas is tested."),
    )
    places = forms.ModelMultipleChoiceField(
        label=_("compounds covered"),
        queryset=Place.objects.none(),
        required=False,
        help_text=_("Residents of these compounds and their buildings."),
    )
    setting = forms.ChoiceField(
        label=_("setting"), choices=PoolingSetting.choices, initial=PoolingSetting.GENERAL
    )
    scope = forms.ChoiceField(
        label=_("deadline scope"), choices=TestingScope.choices, initial=TestingScope.CITY
    )

    def __init__(self, *args, user, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        above_grid = _visible(user, focus).exclude(level=Level.GRID)
        limit_choices(self.fields["jurisdiction"], above_grid)
        set_choices(self.fields["areas"], _visible(user, focus))
        self.fields["areas"].widget.choices = [
            (j.pk, f"{j.code} {j}") for j in _visible(user, focus)[:500]
        ]
        compounds = (
            Place.objects.restrict(user, "view").within(focus).filter(kind=PlaceKind.COMPOUND)
        )
        set_choices(self.fields["places"], compounds)
        self.fields["places"].widget.choices = [(p.pk, str(p)) for p in compounds[:500]]


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
    jurisdiction = forms.ModelChoiceField(label=_("area"), queryset=Jurisdiction.objects.none())
    staff = forms.IntegerField(label=_("sampling staff"), min_value=0, initial=0)
    opens = forms.TimeField(label=_("opens"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(label=_("closes"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, user, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["jurisdiction"], _visible(user, focus))


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

"""Forms of the area and checkpoint pages; rules that tie fields together are the actions'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.cases.forms import LocalDateTimeField
from pingji.core.forms import DateInput, limit_choices
from pingji.geo.choices import Level, PlaceKind
from pingji.geo.models import Jurisdiction, Place

from .choices import CheckpointKind, CheckpointStatus, RiskLevel, StepCondition
from .models import RiskArea


def _blank(choices) -> list:
    return [("", "---------"), *choices]


class _Visible(forms.Form):
    def _limit(self, name, queryset):
        limit_choices(self.fields[name], queryset)


class DesignateForm(_Visible):
    jurisdiction = forms.ModelChoiceField(
        label=_("deciding jurisdiction"),
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such jurisdiction in your area.")},
    )
    name = forms.CharField(label=_("name"), max_length=200)
    level = forms.ChoiceField(label=_("level"), choices=_blank(RiskLevel.choices))
    places = forms.ModelMultipleChoiceField(
        label=_("places"),
        queryset=Place.objects.none(),
        required=False,
        help_text=_("Compounds or buildings; a compound covers its buildings."),
        error_messages={"invalid_choice": _("Unknown place: %(value)s.")},
    )
    jurisdictions = forms.ModelMultipleChoiceField(
        label=_("jurisdictions in the extent"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Unknown jurisdiction: %(value)s.")},
    )
    legal_basis = forms.CharField(label=_("legal basis (order number)"), max_length=200)
    decided_at = LocalDateTimeField(label=_("decided at"))
    effective_at = LocalDateTimeField(label=_("takes effect at"), required=False)
    measures = forms.CharField(
        label=_("measures"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty: the protocol's measures for the level."),
    )
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, focus: str, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Jurisdiction.objects.restrict(user, "view").within(focus).defer("boundary")
        self._limit(
            "jurisdiction",
            visible.filter(level__in=[Level.COUNTY, Level.CITY, Level.TOWNSHIP]).order_by("code"),
        )
        self._limit(
            "places",
            Place.objects.restrict(user, "view")
            .within(focus)
            .filter(kind__in=[PlaceKind.COMPOUND, PlaceKind.BUILDING])
            .order_by("jurisdiction_id", "name"),
        )
        self._limit(
            "jurisdictions",
            visible.filter(level__in=[Level.TOWNSHIP, Level.COMMUNITY, Level.GRID]).order_by(
                "code"
            ),
        )


class ProposeForm(forms.Form):
    to_level = forms.ChoiceField(
        label=_("to level"),
        required=False,
        choices=[("", _("lift the area")), *RiskLevel.choices],
    )
    effective_at = LocalDateTimeField(label=_("takes effect at"))
    legal_basis = forms.CharField(
        label=_("legal basis (order number)"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    justification = forms.CharField(
        label=_("justification (override)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the criteria do not support the change; it is audited."),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=500)


class PublishForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label=_("publishing jurisdiction"), queryset=Jurisdiction.objects.none()
    )
    note = forms.CharField(label=_("note"), required=False, max_length=500)

    def __init__(self, *args, user, focus: str, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["jurisdiction"],
            Jurisdiction.objects.restrict(user, "view")
            .within(focus)
            .filter(level__in=[Level.PROVINCE, Level.CITY, Level.COUNTY])
            .defer("boundary")
            .order_by("code"),
        )


class EvaluateForm(forms.Form):
    day = forms.DateField(label=_("day"), widget=DateInput())


class CheckpointForm(_Visible):
    jurisdiction = forms.ModelChoiceField(
        label=_("jurisdiction"), queryset=Jurisdiction.objects.none()
    )
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=_blank(CheckpointKind.choices))
    rules = forms.CharField(label=_("rules enforced"), max_length=500)
    test_within_hours = forms.IntegerField(
        label=_("negative test within (hours)"), required=False, min_value=1, max_value=168
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("areas served"), queryset=RiskArea.objects.none(), required=False
    )
    legal_basis = forms.CharField(
        label=_("legal basis (order number)"), max_length=200, required=False
    )
    since = LocalDateTimeField(label=_("status since"))

    def __init__(self, *args, user, focus: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit(
            "jurisdiction",
            Jurisdiction.objects.restrict(user, "view")
            .within(focus)
            .filter(level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP])
            .defer("boundary")
            .order_by("code"),
        )
        self._limit("areas", RiskArea.objects.restrict(user, "view").within(focus))


class CheckpointDayForm(forms.Form):
    day = forms.DateField(label=_("day"), widget=DateInput())
    vehicles = forms.IntegerField(label=_("vehicles checked"), min_value=0)
    persons = forms.IntegerField(label=_("people checked"), min_value=0)
    turned_back = forms.IntegerField(label=_("people turned back"), min_value=0)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class LiftingStepForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("moves to"),
        choices=_blank([c for c in CheckpointStatus.choices if c[0] != CheckpointStatus.ACTIVE]),
    )
    condition = forms.ChoiceField(label=_("condition"), choices=_blank(StepCondition.choices))
    not_before = forms.DateField(label=_("not before"), required=False, widget=DateInput())
    rules = forms.CharField(label=_("rules after the step"), max_length=500, required=False)


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("as of"), required=False, widget=DateInput())

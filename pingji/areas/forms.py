"""Forms of the area and checkpoint pages; rules that tie fields together are the actions'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.cases.forms import LocalDateTimeField
from pingji.core.forms import DateInput, limit_choices
from pingji.core.widgets import PickerField, PickerMultipleField, bind_picker
from pingji.geo.choices import Level, PlaceKind
from pingji.geo.models import Jurisdiction, Place
from pingji.protocols.choices import EstablishmentKind, PoolingMode

from .choices import (
    CheckpointKind,
    CheckpointStatus,
    MeasureChangeKind,
    MeasureKind,
    RiskLevel,
    SchoolMode,
    StepCondition,
    TransportMode,
)
from .models import RiskArea


def _blank(choices) -> list:
    return [("", "---------"), *choices]


def _levels(*levels: Level) -> str:
    """The ``level`` narrowing of the jurisdiction picker."""
    return ",".join(levels)


def _bind_jurisdictions(form: forms.Form, name: str, user, focus: str, *levels: Level) -> None:
    """A province has over a thousand townships and tens of thousands of grids: the jurisdiction
    fields are pickers narrowed to the focus and to the levels the action takes."""
    bind_picker(form.fields[name], user, params={"within": focus, "level": _levels(*levels)})


class DesignateForm(forms.Form):
    jurisdiction = PickerField(
        "jurisdictions",
        label=_("deciding jurisdiction"),
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such jurisdiction in your area.")},
    )
    name = forms.CharField(label=_("name"), max_length=200)
    level = forms.ChoiceField(label=_("level"), choices=_blank(RiskLevel.choices))
    places = PickerMultipleField(
        "places",
        label=_("places"),
        queryset=Place.objects.none(),
        required=False,
        help_text=_("Compounds or buildings; a compound covers its buildings."),
        error_messages={
            "invalid_choice": _("Unknown place: %(value)s."),
            "invalid_pk_value": _("Unknown place: %(value)s."),
        },
    )
    jurisdictions = PickerMultipleField(
        "jurisdictions",
        label=_("jurisdictions in the extent"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Unknown jurisdiction: %(value)s."),
            "invalid_pk_value": _("Unknown jurisdiction: %(value)s."),
        },
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
        _bind_jurisdictions(
            self, "jurisdiction", user, focus, Level.CITY, Level.COUNTY, Level.TOWNSHIP
        )
        residential = ",".join([PlaceKind.COMPOUND, PlaceKind.BUILDING])
        bind_picker(self.fields["places"], user, params={"within": focus, "kind": residential})
        _bind_jurisdictions(
            self, "jurisdictions", user, focus, Level.TOWNSHIP, Level.COMMUNITY, Level.GRID
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


class CheckpointForm(forms.Form):
    jurisdiction = PickerField(
        "jurisdictions",
        label=_("jurisdiction"),
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such jurisdiction in your area.")},
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
        _bind_jurisdictions(
            self, "jurisdiction", user, focus, Level.CITY, Level.COUNTY, Level.TOWNSHIP
        )
        # the risk areas of the focus: dozens in an outbreak, listed for ticking
        limit_choices(self.fields["areas"], RiskArea.objects.restrict(user, "view").within(focus))


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


class _SettingFields(forms.Form):
    """The parameters of a measure's setting, one field each; ``setting_for(kind)`` assembles the
    kind's setting from those it takes, and the action checks it (``measure_settings``)."""

    venue_kinds = forms.MultipleChoiceField(
        label=_("kinds of venue closed"),
        choices=EstablishmentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    school_mode = forms.ChoiceField(
        label=_("school mode"), choices=_blank(SchoolMode.choices), required=False
    )
    max_size = forms.IntegerField(label=_("largest gathering (people)"), required=False)
    transport_mode = forms.ChoiceField(
        label=_("public transport"), choices=_blank(TransportMode.choices), required=False
    )
    share = forms.FloatField(
        label=_("share (0 to 1)"),
        required=False,
        help_text=_("Reduced transport: the share of the timetable run; attendance: of staff."),
    )
    cadence_days = forms.IntegerField(label=_("test every (days)"), required=False)
    pooling = forms.ChoiceField(
        label=_("sampling"), choices=_blank(PoolingMode.choices), required=False
    )
    hours = forms.IntegerField(label=_("negative test within (hours)"), required=False)

    def setting_for(self, kind: str) -> dict:
        d = self.cleaned_data
        match kind:
            case MeasureKind.VENUE_CLOSURE:
                return {"venue_kinds": list(d.get("venue_kinds") or [])}
            case MeasureKind.SCHOOL_MODE:
                return {"mode": d.get("school_mode") or None}
            case MeasureKind.GATHERINGS:
                return {"max_size": d.get("max_size")}
            case MeasureKind.PUBLIC_TRANSPORT:
                found = {"mode": d.get("transport_mode") or None}
                if d.get("share") is not None:
                    found["share"] = d["share"]
                return found
            case MeasureKind.WORKPLACE_ATTENDANCE:
                return {"share": d.get("share")}
            case MeasureKind.MASS_TESTING:
                return {"cadence_days": d.get("cadence_days"), "pooling": d.get("pooling") or None}
            case MeasureKind.EXIT_TEST:
                return {"hours": d.get("hours")}
        return {}

    PARAMETERS = (
        "venue_kinds",
        "school_mode",
        "max_size",
        "transport_mode",
        "share",
        "cadence_days",
        "pooling",
        "hours",
    )

    def action_data(self, kind: str) -> dict:
        """The cleaned data the action takes: the parameters folded into ``setting``."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.PARAMETERS}
        return {**data, "setting": self.setting_for(kind)}


class MeasureForm(_SettingFields):
    """Designate a society-wide measure: kind, jurisdiction, the setting's parameters, the order."""

    jurisdiction = PickerField(
        "jurisdictions",
        label=_("jurisdiction"),
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such jurisdiction in your area.")},
    )
    kind = forms.ChoiceField(label=_("kind"), choices=_blank(MeasureKind.choices))
    legal_basis = forms.CharField(label=_("legal basis (order number)"), max_length=200)
    decided_at = LocalDateTimeField(label=_("decided at"))
    effective_at = LocalDateTimeField(label=_("takes effect at"), required=False)
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["jurisdiction", "kind"]

    def __init__(self, *args, user, focus: str, **kwargs):
        super().__init__(*args, **kwargs)
        _bind_jurisdictions(
            self, "jurisdiction", user, focus, Level.CITY, Level.COUNTY, Level.TOWNSHIP
        )


class MeasureChangeForm(_SettingFields):
    """Propose a stricter setting, a step-down or the lifting of a measure in force."""

    kind = forms.ChoiceField(
        label=_("change"),
        choices=_blank([c for c in MeasureChangeKind.choices if c[0] != "designate"]),
    )
    decided_at = LocalDateTimeField(label=_("decided at"))
    effective_at = LocalDateTimeField(label=_("takes effect at"), required=False)
    legal_basis = forms.CharField(
        label=_("legal basis (order number)"), max_length=200, required=False
    )
    reason = forms.CharField(
        label=_("reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["kind"]

    def __init__(self, *args, measure_kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.measure_kind = measure_kind
        keep = set(self.fields_for(measure_kind))
        for name in self.PARAMETERS:
            if name not in keep:
                del self.fields[name]

    @staticmethod
    def fields_for(kind: str) -> tuple[str, ...]:
        fields: dict[str, tuple[str, ...]] = {
            MeasureKind.VENUE_CLOSURE: ("venue_kinds",),
            MeasureKind.SCHOOL_MODE: ("school_mode",),
            MeasureKind.GATHERINGS: ("max_size",),
            MeasureKind.PUBLIC_TRANSPORT: ("transport_mode", "share"),
            MeasureKind.WORKPLACE_ATTENDANCE: ("share",),
            MeasureKind.MASS_TESTING: ("cadence_days", "pooling"),
            MeasureKind.EXIT_TEST: ("hours",),
        }
        return fields.get(kind, ())

    def change_data(self) -> dict:
        data = self.action_data(self.measure_kind)
        if data["kind"] == MeasureChangeKind.LIFT:
            data["setting"] = None
        return data

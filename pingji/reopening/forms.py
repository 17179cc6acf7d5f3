"""Forms for reopening: what a person types, cleaned; the rules are the actions', and their errors
come back onto the same fields (``core.forms.add_action_errors``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.cases.forms import LocalDateTimeField
from pingji.core import uploads
from pingji.core.forms import DateInput, set_choices
from pingji.core.widgets import PickerField, bind_picker
from pingji.geo.models import Jurisdiction
from pingji.users.choices import Role
from pingji.users.models import User

from .choices import AlertStatus, Department, Kind, OperatingState, ProblemCategory, Sector, Size
from .models import Establishment

#: A registry workbook of a province (200,000 rows) is about 12 MB.
MAX_UPLOAD_BYTES = 40 * 1024 * 1024


def _blank(choices) -> list:
    return [("", "---------"), *choices]


def _area_field(label, **kwargs) -> PickerField:
    """A jurisdiction of any level, from the province to a grid: a picker, since a city has
    thousands of grids (``core.widgets``)."""
    kwargs.setdefault("error_messages", {"invalid_choice": _("No such jurisdiction in your area.")})
    return PickerField("jurisdictions", label=label, queryset=Jurisdiction.objects.none(), **kwargs)


def _areas(field, user, focus: str) -> None:
    bind_picker(field, user, params={"within": focus})


class EstablishmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=_blank(Kind.choices))
    name = forms.CharField(label=_("name"), max_length=200)
    credit_code = forms.CharField(
        label=_("unified social credit code"),
        max_length=40,
        required=False,
        help_text=_("18 characters; required for enterprises."),
    )
    sector = forms.ChoiceField(label=_("sector"), choices=_blank(Sector.choices))
    size = forms.ChoiceField(label=_("size"), choices=_blank(Size.choices), required=False)
    workforce = forms.IntegerField(label=_("workforce"), min_value=0, initial=0)
    grades = forms.CharField(label=_("grades"), max_length=60, required=False)
    pupils = forms.IntegerField(label=_("pupils"), min_value=0, initial=0)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    jurisdiction = _area_field(_("jurisdiction"))

    def __init__(self, *args, user, focus: str, **kwargs):
        super().__init__(*args, **kwargs)
        _areas(self.fields["jurisdiction"], user, focus)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        uploads.check_size(file, MAX_UPLOAD_BYTES)
        return file


class AreaImportForm(ImportForm):
    area = _area_field(
        _("area"), help_text=_("Every row's jurisdiction code must lie in this area.")
    )

    def __init__(self, *args, user, focus: str, **kwargs):
        super().__init__(*args, **kwargs)
        _areas(self.fields["area"], user, focus)


class ApplyForm(forms.Form):
    """One tick box per checklist item of the protocol in force for the establishment's kind."""

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.key}"] = forms.BooleanField(label=item.label, required=False)

    def checklist(self) -> dict[str, bool]:
        return {k[5:]: v for k, v in self.cleaned_data.items() if k.startswith("item_")}


class InspectForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("result"),
        coerce=lambda v: v == "1",
        choices=[("1", _("passed")), ("0", _("failed"))],
    )
    note = forms.CharField(label=_("inspection note"), max_length=500, required=False)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("approve")), ("0", _("refuse"))],
    )
    note = forms.CharField(label=_("decision note"), max_length=500, required=False)


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)


class AlertDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(AlertStatus.PAUSED, _("Pause it")), (AlertStatus.DISMISSED, _("Dismiss"))],
    )


class PlanForm(forms.Form):
    measures = forms.CharField(label=_("measures"), widget=forms.Textarea, max_length=5000)
    liaison = forms.ModelChoiceField(
        label=_("liaison official"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, establishment, **kwargs):
        super().__init__(*args, **kwargs)
        code = establishment.jurisdiction_id
        above = [code[:n] for n in range(2, len(code) + 1)]
        liaisons = User.objects.filter(role=Role.LIAISON, is_active=True, jurisdiction_id__in=above)
        set_choices(
            self.fields["liaison"],
            liaisons.order_by("username").beyond_scope(
                "a liaison official serves from a level above the establishment"
            ),
        )


class ProblemForm(forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=_blank(ProblemCategory.choices))
    department = forms.ChoiceField(
        label=_("responsible department"), choices=_blank(Department.choices)
    )
    description = forms.CharField(label=_("description"), widget=forms.Textarea, max_length=2000)
    deadline = LocalDateTimeField(label=_("deadline"))


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    jurisdiction = _area_field(_("area"))
    kind = forms.ChoiceField(label=_("kind"), choices=_blank(Kind.choices), required=False)
    due_at = LocalDateTimeField(label=_("answers due"))

    def __init__(self, *args, user, focus: str, **kwargs):
        super().__init__(*args, **kwargs)
        _areas(self.fields["jurisdiction"], user, focus)


class AnswerForm(forms.Form):
    """One establishment's answer to ``survey``, typed in for it by someone who may change it.

    The establishment is picked among those the survey asks (its area and kind), so a city-wide
    survey of thousands is searched, not listed, and one it does not ask is refused here.
    """

    establishment = PickerField(
        "establishments",
        label=_("establishment"),
        queryset=Establishment.objects.none(),
        error_messages={
            "invalid_choice": _("No such establishment among those this survey asks in your area.")
        },
    )
    state = forms.ChoiceField(label=_("state"), choices=_blank(OperatingState.choices))
    staff_in_controlled_areas = forms.IntegerField(
        label=_("staff stuck in controlled areas"), min_value=0, initial=0
    )
    staff_in_quarantine = forms.IntegerField(label=_("staff in quarantine"), min_value=0, initial=0)
    supply_problem = forms.CharField(
        label=_("supply-chain problem"), max_length=500, required=False
    )
    permit_problem = forms.CharField(label=_("permit problem"), max_length=500, required=False)

    def __init__(self, *args, user, survey, **kwargs):
        super().__init__(*args, **kwargs)
        asked = {"within": survey.jurisdiction_id, "kind": survey.kind}
        changeable = Establishment.objects.restrict(user, "change")
        bind_picker(self.fields["establishment"], user, changeable, params=asked)


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=_blank(Kind.choices))
    percent = forms.IntegerField(label=_("target share working (%)"), min_value=1, max_value=100)
    by = forms.DateField(label=_("by"), widget=DateInput())

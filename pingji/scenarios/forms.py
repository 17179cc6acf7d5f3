"""The scenario form: the state (jurisdiction, day), the parameters and up to ``ROWS`` plan rows.

A row is a kind, a date, what it changes (a measure or risk area in force in the focus today)
and a value: the new setting as JSON for a measure stepped down, the level for an area (empty:
lifted), the infections a day for importation. The rows are turned into the plan the action
checks (``plan.clean_plan``): a row's problem comes back on the plan, with its number.
"""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.forms import DateInput, limit_choices
from pingji.geo.models import Jurisdiction

from .choices import ChangeKind
from .in_force import in_force
from .models import VACCINATED_FROM_AGE, Scenario
from .plan import MAX_DAYS, MAX_RUNS, MIN_DAYS

ROWS = 5
#: The scenario's own fields; the plan comes from the rows.
MAIN = tuple(name for name in Scenario.GIVEN if name != "plan")


def _targets(focus: str) -> list[tuple[str, str]]:
    now = in_force(focus, clock.today())
    out = [("", "—")]
    out += [
        (f"m:{m.measure_id}", f"{m.jurisdiction_name} · {m.kind} #{m.measure_id}")
        for m in now.measures
    ]
    out += [(f"a:{a.area_id}", f"{a.name} ({a.level}) #{a.area_id}") for a in now.areas.values()]
    return out


class ScenarioForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label=_("jurisdiction"), queryset=Jurisdiction.objects.none()
    )
    name = forms.CharField(label=_("name"), max_length=200)
    state_day = forms.DateField(label=_("state on"), widget=DateInput)
    days = forms.IntegerField(
        label=_("days simulated"), min_value=MIN_DAYS, max_value=MAX_DAYS, initial=28
    )
    runs = forms.IntegerField(label=_("ensemble size"), min_value=1, max_value=MAX_RUNS, initial=20)
    threshold = forms.IntegerField(
        label=_("rebound threshold (new infections a day)"), min_value=1, initial=5
    )
    seed = forms.IntegerField(label=_("seed"), min_value=0, initial=1)
    importation = forms.FloatField(label=_("imported infections a day"), min_value=0, initial=0)
    stay_days = forms.IntegerField(label=_("days a case holds a bed"), min_value=1, initial=21)
    vaccinated_share = forms.FloatField(
        label=_("share vaccinated (two doses)"),
        min_value=0,
        max_value=1,
        initial=0,
        required=False,
        help_text=_("Of the residents from the age below; none when left empty."),
    )
    vaccinated_from_age = forms.IntegerField(
        label=_("vaccinated from age"),
        min_value=0,
        max_value=120,
        initial=VACCINATED_FROM_AGE,
        required=False,
    )

    def __init__(self, *args, user=None, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        rows = Jurisdiction.objects.restrict(user).defer("boundary")
        rows = rows.filter(code__within=focus) if focus else rows
        limit_choices(self.fields["jurisdiction"], rows.order_by("code"))
        self.fields["jurisdiction"].initial = focus
        self.fields["state_day"].initial = clock.today()
        targets = _targets(focus) if focus else [("", "—")]
        kinds = [("", "—"), *ChangeKind.choices]
        for i in range(1, ROWS + 1):
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label=_("change"), choices=kinds, required=False
            )
            self.fields[f"on_{i}"] = forms.DateField(
                label=_("on"), required=False, widget=DateInput
            )
            self.fields[f"target_{i}"] = forms.ChoiceField(
                label=_("measure or area"), choices=targets, required=False
            )
            self.fields[f"value_{i}"] = forms.CharField(
                label=_("value"),
                required=False,
                max_length=500,
                help_text=_("a setting as JSON, a level, or infections a day"),
            )

    def main_fields(self):
        return [self[name] for name in MAIN]

    def plan_rows(self):
        return [
            [self[f"{k}_{i}"] for k in ("kind", "on", "target", "value")]
            for i in range(1, ROWS + 1)
        ]

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        plan = [self._row(i) for i in range(1, ROWS + 1) if data.get(f"kind_{i}")]
        out = {k: data[k] for k in MAIN if k != "jurisdiction"}
        out["vaccinated_share"] = out["vaccinated_share"] or 0.0
        out["vaccinated_from_age"] = (
            VACCINATED_FROM_AGE
            if out["vaccinated_from_age"] is None
            else out["vaccinated_from_age"]
        )
        return {**out, "jurisdiction": data["jurisdiction"].code, "plan": plan}

    def _row(self, i: int) -> dict:
        d = self.cleaned_data
        kind, on, target, value = (d.get(f"{k}_{i}") for k in ("kind", "on", "target", "value"))
        row: dict = {"kind": kind, "on": on.isoformat() if on else ""}
        ident = int(target[2:]) if target and target[2:].isdigit() else None
        if kind in (ChangeKind.LIFT_MEASURE, ChangeKind.STEP_MEASURE):
            row["measure"] = ident
        if kind == ChangeKind.STEP_MEASURE:
            row["setting"] = _json(value)
        if kind == ChangeKind.STEP_AREA:
            row.update(area=ident, level=(value or "").strip())
        if kind == ChangeKind.IMPORTATION:
            row["per_day"] = _number(value)
        return row


def _json(text: str | None):
    try:
        return json.loads(text or "")
    except ValueError:
        return text


def _number(text: str | None):
    try:
        return float(text or "")
    except ValueError:
        return text


class AttachForm(forms.Form):
    """Which proposal a run is attached to: a transition or a measure change, by its id."""

    target = forms.ChoiceField(
        label=_("proposal"),
        choices=[("transition", _("risk-area transition")), ("measurechange", _("measure change"))],
    )
    proposal = forms.IntegerField(label=_("proposal number"), min_value=1)

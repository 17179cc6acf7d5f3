"""Forms of the investigation page; rules that tie fields together are the actions'."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.cases.forms import LocalDateTimeField
from pingji.cases.models import Case
from pingji.core.forms import limit_choices, set_choices
from pingji.geo.models import Place
from pingji.people.models import Person

from .choices import ContactTier, DispatchOutcome, LinkEvidence, Setting
from .models import Cluster, Dispatch


def _blank(choices) -> list:
    return [("", "---------"), *choices]


class ExposureForm(forms.Form):
    place = forms.ModelChoiceField(
        label=_("place"),
        queryset=Place.objects.none(),
        required=False,
        help_text=_("A registered place; venues are searched in the check-in logs."),
        error_messages={"invalid_choice": _("No such place in your area.")},
    )
    place_text = forms.CharField(
        label=_("place (free text)"),
        max_length=200,
        required=False,
        help_text=_("When the place is not registered."),
    )
    started_at = LocalDateTimeField(label=_("from"))
    ended_at = LocalDateTimeField(label=_("to"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["place"], Place.objects.restrict(user, "view").order_by("kind", "name")
        )


class ContactForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("person"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("No such person in your area.")},
    )
    tier = forms.ChoiceField(label=_("tier"), choices=_blank(ContactTier.choices))
    setting = forms.ChoiceField(label=_("setting"), choices=_blank(Setting.choices))
    last_exposure_at = LocalDateTimeField(label=_("last exposure"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["person"], Person.objects.restrict(user, "view").order_by("name", "pk")
        )


class CompleteForm(forms.Form):
    summary = forms.CharField(
        label=_("summary"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(forms.Form):
    margin_minutes = forms.FloatField(
        label=_("margin (minutes)"),
        min_value=0,
        max_value=120,
        initial=0,
        help_text=_("Widens each visit on both sides: arrival and departure times are recalled."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=500)


#: Fields a later domain adds to the outcome form to say where a controlled person is held
#: (quarantine: the site, decision 0026): name → a factory given the user. Tracing cannot import
#: those domains (apps depend downward), so they register here from ``AppConfig.ready``.
CONTROL_FIELDS: dict[str, Callable[[Any], forms.Field]] = {}


def register_control_field(name: str, factory: Callable[[Any], forms.Field]) -> None:
    CONTROL_FIELDS[name] = factory


class DispatchOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=_blank(DispatchOutcome.choices))
    note = forms.CharField(label=_("note"), max_length=500, required=False)
    reason = forms.CharField(
        label=_("reason for return"),
        max_length=500,
        required=False,
        help_text=_("Required when the person is not your resident."),
    )

    def __init__(self, *args, user=None, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = required
        for name, factory in CONTROL_FIELDS.items():
            self.fields[name] = factory(user)

    def outcome_kwargs(self) -> dict:
        """``do_record_dispatch_outcome``'s arguments, the registered fields as ``control`` ids."""
        data = dict(self.cleaned_data)
        chosen = {name: data.pop(name, None) for name in CONTROL_FIELDS}
        control = {name: getattr(v, "pk", v) for name, v in chosen.items() if v not in (None, "")}
        return {**data, "control": control}


class DispatchExportForm(forms.Form):
    dispatches = forms.ModelMultipleChoiceField(
        label=_("out-of-province dispatches"),
        queryset=Dispatch.objects.none(),
        error_messages={"invalid_choice": _("No such open out-of-province dispatch.")},
    )
    reveal_reason = forms.CharField(
        label=_("reason to write identity numbers in plain"),
        max_length=200,
        required=False,
        help_text=_("The receiving province needs them; every reveal is logged."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        rows = Dispatch.objects.restrict(user, "change").filter(in_province=False).open()
        set_choices(self.fields["dispatches"], rows.select_related("person").order_by("sent_at"))


class LinkForm(forms.Form):
    infector = forms.ModelChoiceField(
        label=_("infector"),
        queryset=Case.objects.none(),
        error_messages={"invalid_choice": _("No such case in your area.")},
    )
    infectee = forms.ModelChoiceField(
        label=_("infectee"),
        queryset=Case.objects.none(),
        error_messages={"invalid_choice": _("No such case in your area.")},
    )
    evidence = forms.ChoiceField(label=_("evidence"), choices=_blank(LinkEvidence.choices))
    setting = forms.ChoiceField(label=_("setting"), choices=_blank(Setting.choices), required=False)
    cluster = forms.ModelChoiceField(
        label=_("cluster"),
        queryset=Cluster.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("No such cluster in your area.")},
    )
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cases = Case.objects.restrict(user, "view").select_related("person")
        limit_choices(self.fields["infector"], cases.order_by("-reported_at"))
        limit_choices(self.fields["infectee"], cases.order_by("-reported_at"))
        limit_choices(self.fields["cluster"], Cluster.objects.restrict(user, "view"))

"""Forms of the investigation page; rules that tie fields together are the actions'."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.cases.forms import LocalDateTimeField, bind_grids, grid_field
from pingji.cases.models import Case
from pingji.core.forms import limit_choices, set_choices
from pingji.core.widgets import KeyedMultipleChoiceField, PickerField, bind_picker
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction, Place
from pingji.people.forms import IdNumberField, PhoneField
from pingji.people.models import Person

from .choices import ContactTier, DispatchOutcome, LinkEvidence, Setting
from .models import Cluster, Dispatch


def _blank(choices) -> list:
    return [("", "---------"), *choices]


class ExposureForm(forms.Form):
    place = PickerField(
        "places",
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
        bind_picker(self.fields["place"], user)


class _ExposureForm(forms.Form):
    """How a contact was exposed: what both ways of naming a contact ask after who it is."""

    tier = forms.ChoiceField(label=_("tier"), choices=_blank(ContactTier.choices))
    setting = forms.ChoiceField(label=_("setting"), choices=_blank(Setting.choices))
    last_exposure_at = LocalDateTimeField(label=_("last exposure"))
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class ContactForm(_ExposureForm):
    """A contact registered in the investigator's area, picked from the registry."""

    field_order = ["person"]

    person = PickerField(
        "persons",
        label=_("person"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("No such person in your area.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_picker(self.fields["person"], user)


class ReportedContactForm(_ExposureForm):
    """A contact living in another county, by what the investigator knows (decision 0042).

    Nothing here is looked up: the form answers the same whether or where the person is
    registered, and the county named receives it as a dispatch.
    """

    field_order = ["name", "id_number", "phone", "address", "county"]

    name = forms.CharField(label=_("full name"), max_length=60)
    id_number = IdNumberField(required=False)
    phone = PhoneField(required=False)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    county = forms.ModelChoiceField(
        label=_("county where the person lives"),
        queryset=Jurisdiction.objects.none(),
        to_field_name="code",
        help_text=_("The county receives the contact as a dispatch and finds the person."),
        error_messages={"invalid_choice": _("Choose a county of this province.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Jurisdiction.objects.real().filter(level=Level.COUNTY).only("code", "name")
        own = (getattr(user, "jurisdiction_id", "") or "")[:6]
        set_choices(
            self.fields["county"],
            counties.exclude(code=own)
            .order_by("code")
            .beyond_scope("a contact may live in any county of the province"),
        )

    def action_kwargs(self) -> dict:
        """``reported.do_report_contact``'s arguments."""
        data = dict(self.cleaned_data)
        data["to_region"] = data.pop("county").code
        return data


class ResolveForm(forms.Form):
    """The receiving county names the resident a reported contact is."""

    person = PickerField(
        "persons",
        label=_("the resident"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("No such person in the receiving county.")},
    )

    def __init__(self, *args, user, county: str, **kwargs):
        super().__init__(*args, **kwargs)
        bind_picker(self.fields["person"], user, params={"within": county})


class RegisterForm(forms.Form):
    """The receiving county registers a reported contact nobody has registered yet."""

    grid = grid_field(_("grid of residence"))
    name = forms.CharField(
        label=_("full name"),
        max_length=60,
        required=False,
        help_text=_("Empty: the name as the sender reported it."),
    )

    def __init__(self, *args, user, county: str, **kwargs):
        super().__init__(*args, **kwargs)
        bind_grids(self.fields["grid"], user, county)


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
    """The open out-of-province dispatches to export, chosen from a list rather than a picker:
    each export closes what it writes, so the list is the backlog since the last export, which
    is sent as a batch, not a register that grows."""

    dispatches = KeyedMultipleChoiceField(
        label=_("out-of-province dispatches"),
        queryset=Dispatch.objects.none(),
        error_messages={
            "invalid_choice": _("No such open out-of-province dispatch."),
            "invalid_pk_value": _("No such open out-of-province dispatch."),
        },
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
    infector = PickerField(
        "cases",
        label=_("infector"),
        queryset=Case.objects.none(),
        error_messages={"invalid_choice": _("No such case in your area.")},
    )
    infectee = PickerField(
        "cases",
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
        bind_picker(self.fields["infector"], user)
        bind_picker(self.fields["infectee"], user)
        limit_choices(self.fields["cluster"], Cluster.objects.restrict(user, "view"))

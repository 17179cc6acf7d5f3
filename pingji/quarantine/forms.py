"""Forms of the quarantine pages; rules that tie fields together are the actions'."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.cases.forms import LocalDateTimeField
from pingji.core import clock, uploads
from pingji.core.actions import local_date
from pingji.core.forms import limit_choices, set_choices
from pingji.core.widgets import KeyedMultipleChoiceField, PickerField, bind_picker
from pingji.geo.models import Jurisdiction
from pingji.people.models import Person
from pingji.protocols.models import Protocol
from pingji.users.choices import Role
from pingji.users.models import User

from .actions.imports import MAX_UPLOAD_BYTES
from .choices import RegimeCategory, SiteKind, SiteStatus, Symptom
from .models import Placement, Room, Site


def _blank(choices) -> list:
    return [("", "---------"), *choices]


class PlaceForm(forms.Form):
    person = PickerField(
        "persons",
        label=_("person"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("No such person in your area.")},
    )
    category = forms.ChoiceField(
        label=_("category"), choices=_blank(RegimeCategory.choices), initial="close_contact"
    )
    exposure_at = LocalDateTimeField(label=_("last exposure"))
    placed_at = LocalDateTimeField(label=_("placed at"), required=False, help_text=_("Empty: now."))
    site = forms.ModelChoiceField(
        label=pgettext_lazy("quarantine", "site"),
        queryset=Site.objects.none(),
        required=False,
        help_text=_("Required when the regime starts with centralised quarantine."),
        error_messages={"invalid_choice": _("No such site in your area.")},
    )
    room = PickerField(
        "rooms",
        follows="site",
        label=_("room"),
        queryset=Room.objects.none(),
        required=False,
        help_text=_("Empty: the first free room of the site."),
        error_messages={"invalid_choice": _("No such room in your area.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_picker(self.fields["person"], user)
        limit_choices(self.fields["site"], Site.objects.restrict(user).order_by("name"))
        bind_picker(self.fields["room"], user)


def dispatch_site_field(user) -> forms.ModelChoiceField:
    """The site on a dispatch's outcome form (``tracing.forms.register_control_field``): where a
    person recorded as controlled is placed (decision 0026)."""
    field = forms.ModelChoiceField(
        label=_("quarantine site"),
        queryset=Site.objects.none(),
        required=False,
        help_text=_(
            "When controlled: where the person is placed. Required when the regime starts with "
            "centralised quarantine; empty: at home."
        ),
        error_messages={"invalid_choice": _("No such site in your area.")},
    )
    if user is not None:
        open_sites = Site.objects.restrict(user).filter(status=SiteStatus.OPEN).order_by("name")
        limit_choices(field, open_sites)
    return field


class CheckForm(forms.Form):
    temperature = forms.DecimalField(
        label=_("temperature (°C)"), max_digits=3, decimal_places=1, initial="36.5"
    )
    symptoms = forms.MultipleChoiceField(
        label=_("symptoms"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)


def positive_consequence(placement: Placement | None) -> str:
    """What recording a positive result does, said before it is confirmed."""
    return _(
        "A positive result reports %(name)s as an asymptomatic infection, counted today "
        "(%(day)s), opens the investigation and ends the placement. Tick “confirm” and record "
        "the result again to go ahead; nothing has been recorded yet."
    ) % {
        "name": placement.person.name if placement is not None else _("the person"),
        "day": local_date(clock.now()).isoformat(),
    }


class ResultForm(forms.Form):
    """A test result; a positive one reports a case at once, so it needs ``confirm`` ticked."""

    result = forms.ChoiceField(
        label=_("result"), choices=[("negative", _("negative")), ("positive", _("positive"))]
    )
    sampled_at = LocalDateTimeField(label=_("sampled at"))
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    confirm = forms.BooleanField(
        label=_("confirm: report the case"),
        required=False,
        help_text=_(
            "Required for a positive result: it reports a case of the person, counted today."
        ),
    )

    def __init__(self, *args, placement: Placement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement = placement

    def clean(self):
        data = super().clean()
        if data.get("result") == "positive" and not data.get("confirm"):
            self.add_error("confirm", positive_consequence(self.placement))
        return data


class ReleaseForm(forms.Form):
    override = forms.BooleanField(
        label=_("release before eligibility"),
        required=False,
        help_text=_("Only with a justification; it is kept with the decision."),
    )
    justification = forms.CharField(
        label=_("justification"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransferForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("to site"),
        queryset=Site.objects.none(),
        error_messages={"invalid_choice": _("No such site in your area.")},
    )
    room = PickerField(
        "rooms",
        follows="site",
        label=_("room"),
        queryset=Room.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("No such room in your area.")},
    )
    reason = forms.CharField(label=_("reason"), max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(self.fields["site"], Site.objects.restrict(user).order_by("name"))
        bind_picker(self.fields["room"], user)


class MoveHomeForm(forms.Form):
    """The grid is typed as its code: a grid in another county is outside the user's lists."""

    grid = forms.CharField(
        label=_("new home grid (code)"),
        max_length=15,
        help_text=_("In another county the person is handed over to it as a dispatch."),
    )
    address = forms.CharField(label=_("new address"), max_length=300, required=False)
    reason = forms.CharField(label=_("reason"), max_length=500)


class ApplyProtocolForm(forms.Form):
    """Apply the protocol in force to placements ticked in the page's table of outdated ones,
    where each row says what the change would do: a picker would choose them blind."""

    placements = KeyedMultipleChoiceField(
        label=_("placements"),
        queryset=Placement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("No such placement in your area."),
            "invalid_pk_value": _("No such placement in your area."),
        },
    )
    protocol = forms.ModelChoiceField(label=_("protocol"), queryset=Protocol.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["placements"], Placement.objects.restrict(user, "apply"))
        set_choices(self.fields["protocol"], Protocol.objects.restrict(user, "view"))


class SiteForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=_blank(SiteKind.choices))
    jurisdiction = PickerField(
        "jurisdictions",
        label=_("jurisdiction"),
        queryset=Jurisdiction.objects.none(),
        error_messages={"invalid_choice": _("No such jurisdiction in your area.")},
    )
    rooms = forms.IntegerField(label=_("rooms"), min_value=0, max_value=5000, initial=0)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    phone = forms.CharField(label=_("duty phone"), max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_picker(self.fields["jurisdiction"], user)


class StaffForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("user"),
        queryset=User.objects.none(),
        error_messages={"invalid_choice": _("No such user in your area.")},
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["user"],
            User.objects.filter(
                jurisdiction__code__within=site.jurisdiction_id[:6],
                role=Role.SITE_MANAGER,
                is_active=True,
            )
            .order_by("username")
            .beyond_scope("the site managers of a site found through restrict, in its county"),
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("CSV (UTF-8) or Excel: identity number, sampled at, result."),
        validators=[uploads.size_limit(MAX_UPLOAD_BYTES)],
    )
    confirm = forms.BooleanField(
        label=_("confirm: report the positives as cases"),
        required=False,
        help_text=_(
            "Required when the file has a positive result: each reports a case, counted today."
        ),
    )

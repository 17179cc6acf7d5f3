"""Forms for people and households: plain inputs for identity data, errors on the field at fault.

The forms validate and normalise what they can alone (identity number, phone); everything that
needs the database (duplicates, scope, the household's grid) is the action's, and its errors come
back onto the same fields through ``add_action_errors``.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.core import personal_data
from pingji.core.forms import DateInput
from pingji.core.widgets import PickerField, bind_picker
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction, Place

from .actions.households import RESIDENTIAL_KINDS
from .actions.reveal import REASON_MAX_LENGTH
from .choices import Sex
from .identity import normalize_id_number, normalize_phone
from .models import Household, Person


class IdNumberField(forms.CharField):
    """A resident identity number, cleaned to its canonical form ("" when left blank)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("identity number"))
        super().__init__(**kwargs)
        self.widget.attrs.update(autocomplete="off", inputmode="text", spellcheck="false")

    def clean(self, value):
        value = super().clean(value)
        return normalize_id_number(value) if value else ""


class PhoneField(forms.CharField):
    """A mainland mobile number, cleaned to its 11 digits ("" when left blank)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("phone"))
        super().__init__(**kwargs)
        self.widget.attrs.update(autocomplete="off", inputmode="tel")

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else ""


class IdentitySearchForm(forms.Form):
    """The blind search: one identity number or phone, and why (decision 0031).

    Only the shape is checked here; ``search.do_search_identity`` validates, counts the attempt
    and records it, so the page and the API refuse the same things the same way.
    """

    term = forms.CharField(
        label=_("identity number or phone"), max_length=40, required=False, strip=True
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("Recorded with your name in the audit log."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def search_input(self) -> dict:
        """The action's keywords: 11 digits (after +86) read as a phone, anything else as an id."""
        term = self.cleaned_data["term"]
        digits = "".join(term.split()).replace("-", "").removeprefix("+86")
        kind = "phone" if len(digits) == 11 else "id_number"
        return {kind: term, "reason": self.cleaned_data["reason"]}


def visible_grids(user, focus: str):
    grids = Jurisdiction.objects.restrict(user, "view").within(focus).filter(level=Level.GRID)
    return grids.only("code", "name").order_by("code")


class PersonForm(forms.Form):
    """Register or edit a person. On edit, a blank identity number or phone keeps the stored one."""

    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=60)
    id_number = IdNumberField(required=False)
    phone = PhoneField(required=False)
    household = PickerField(
        "households",
        label=_("household"),
        queryset=Household.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("No such household in your area.")},
    )
    jurisdiction = PickerField(
        "jurisdictions",
        label=_("grid of residence"),
        queryset=Jurisdiction.objects.none(),
        required=False,
        help_text=_("Only when the person has no household here."),
        error_messages={"invalid_choice": _("No such grid in your area.")},
    )
    sex = forms.ChoiceField(
        label=_("sex"), choices=[("", "---------"), *Sex.choices], required=False
    )
    birth_date = forms.DateField(label=_("birth date"), required=False, widget=DateInput())

    def __init__(self, *args, user, focus: str = "", instance: Person | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            stored = {
                "name": instance.name,
                "household": instance.household_id,
                "jurisdiction": instance.jurisdiction_id,
                "sex": instance.sex,
                "birth_date": instance.birth_date,
            }
            kwargs["initial"] = {**stored, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        bind_picker(self.fields["household"], user, params={"within": focus})
        bind_picker(
            self.fields["jurisdiction"], user, params={"within": focus, "level": Level.GRID}
        )
        if instance is None:
            self.fields["sex"].help_text = _("Taken from the identity number when one is given.")
            return
        for field, masked in (
            ("id_number", instance.id_number_masked),
            ("phone", instance.phone_masked),
        ):
            if masked:
                self.fields[field].help_text = _("Leave blank to keep %(masked)s.") % {
                    "masked": masked
                }
        if instance.id_number_hash:
            for field in ("sex", "birth_date"):
                self.fields[field].disabled = True
                self.fields[field].help_text = _("Follows the identity number.")
        if instance.birth_date and not personal_data.may_see_birth_date(user):
            self._hide_birth_date(instance)

    def _hide_birth_date(self, instance: Person) -> None:
        """A user who may not reveal sees the age, not the stored date, and cannot change it."""
        self.initial.pop("birth_date", None)
        field = self.fields["birth_date"]
        field.disabled, field.initial = True, None
        field.help_text = _("Age %(age)d; the date is shown to those who may reveal.") % {
            "age": personal_data.age_of(instance.birth_date)
        }

    def action_changes(self) -> dict:
        """What the update action takes: the fields changed, and identity data only when typed."""
        data = self.cleaned_data
        changes = {
            f: data[f]
            for f in self.changed_data
            if f not in ("id_number", "phone") and not self.fields[f].disabled
        }
        changes.update({f: data[f] for f in ("id_number", "phone") if data.get(f)})
        if "household" in changes and changes["household"] is not None:
            changes.pop("jurisdiction", None)
        return changes


class HouseholdForm(forms.Form):
    place = PickerField(
        "places",
        label=_("place"),
        queryset=Place.objects.none(),
        error_messages={"invalid_choice": _("No such residential place in your area.")},
    )
    address = forms.CharField(
        label=_("address"), max_length=300, help_text=_("Building, unit and door number.")
    )

    def __init__(self, *args, user, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        residential = ",".join(RESIDENTIAL_KINDS)
        bind_picker(self.fields["place"], user, params={"within": focus, "kind": residential})


class MergeForm(forms.Form):
    """Choose the duplicate of ``keep`` among the records the user may change.

    Any of them may be typed; the likely duplicates — the same name, or the same phone (compared
    by its keyed hash, nothing decrypted) — are offered as buttons before anything is typed.
    ``keep`` itself stays choosable so the action says why it cannot be merged into itself.
    """

    duplicate = PickerField(
        "persons",
        label=_("duplicate record to merge into this one"),
        queryset=Person.objects.none(),
        error_messages={"invalid_choice": _("No such person in your area.")},
        help_text=_(
            "Everything pointing at the duplicate (cases, contacts, placements…) moves here; "
            "the duplicate is deleted."
        ),
    )

    def __init__(self, *args, keep: Person, user, **kwargs):
        super().__init__(*args, **kwargs)
        rows = Person.objects.restrict(user, "change")
        alike = Q(name=keep.name)
        if keep.phone_hash:
            alike |= Q(phone_hash=keep.phone_hash)
        likely = rows.filter(alike).exclude(pk=keep.pk).order_by("name", "jurisdiction_id", "pk")
        bind_picker(
            self.fields["duplicate"],
            user,
            rows,
            suggestions=likely,
            caption=_("Same name or phone:"),
        )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with your name in the audit log."),
    )

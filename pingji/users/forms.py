"""Forms for accounts: what a form can check alone; scope, uniqueness and password rules are the
action's, and its errors come back onto the same fields through ``add_action_errors``.
"""

from typing import cast

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from pingji.core.forms import MAX_OPTIONS, set_choices
from pingji.geo.models import Jurisdiction

from .choices import PERSON_ROLE_CHOICES
from .models import User


def jurisdiction_choices(user, focus: str, current: Jurisdiction | None = None) -> list:
    """The focus and what lies below it, upper levels first (accounts mostly work there).

    The account's current jurisdiction is always offered, so an edit never moves it by accident.
    """
    rows = (
        Jurisdiction.objects.restrict(user, "view")
        .within(focus)
        .only("code", "name")
        .order_by(Length("code"), "code")[: MAX_OPTIONS + 1]
    )
    options = [(j.code, f"{j.name} ({j.code})") for j in rows]
    if current is not None and current.code not in {code for code, _label in options}:
        options.insert(0, (current.code, f"{current.name} ({current.code})"))
    return [("", "---------"), *options]


class JurisdictionField(forms.ModelChoiceField):
    """Validates against the user's whole area; lists the focus and below (at most 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("jurisdiction"))
        kwargs.setdefault("queryset", Jurisdiction.objects.none())
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("No such jurisdiction in your area.")}
        )
        super().__init__(**kwargs)

    def offer(self, user, focus: str, current: Jurisdiction | None = None) -> None:
        set_choices(self, Jurisdiction.objects.restrict(user, "view"))
        choices = jurisdiction_choices(user, focus, current)
        if len(choices) > MAX_OPTIONS + 1:
            choices = choices[: MAX_OPTIONS + 1]
            self.help_text = _(
                "Only the first %(n)d are listed; narrow the focus to see others."
            ) % {"n": MAX_OPTIONS}
        self.widget.choices = choices


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("role"), choices=[("", "---------"), *PERSON_ROLE_CHOICES])


def _password_widget() -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": "new-password"})


class PasswordPairMixin(forms.Form):
    """A new password typed twice; the validators run in the action, against the account."""

    password = forms.CharField(
        label=_("password"), strip=False, widget=_password_widget(), max_length=128
    )
    password_confirmation = forms.CharField(
        label=_("password (again)"), strip=False, widget=_password_widget(), max_length=128
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("password"), data.get("password_confirmation")
        if first and second and first != second:
            self.add_error("password_confirmation", _("The two passwords differ."))
        return data


class UserCreateForm(PasswordPairMixin):
    username = forms.CharField(
        label=_("username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; it cannot be changed later."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(label=_("given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("family name"), max_length=150, required=False)
    role = _role_field()
    jurisdiction = JurisdictionField()
    phone = forms.CharField(
        label=_("work phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    field_order = [
        "username",
        "last_name",
        "first_name",
        "role",
        "jurisdiction",
        "phone",
        "password",
        "password_confirmation",
    ]

    def __init__(self, *args, user, focus: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        cast(JurisdictionField, self.fields["jurisdiction"]).offer(user, focus)  # declared above

    def action_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("password_confirmation", None)
        return data


class UserUpdateForm(forms.Form):
    """Edit an account; on one's own, role, jurisdiction and status are shown, not edited."""

    last_name = forms.CharField(label=_("family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("given name"), max_length=150, required=False)
    role = _role_field()
    jurisdiction = JurisdictionField()
    phone = forms.CharField(
        label=_("work phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    is_active = forms.BooleanField(
        label=_("active"),
        required=False,
        help_text=_("Clear to deactivate: the account can no longer log in; its history stays."),
    )

    def __init__(self, *args, user, instance: User, focus: str = "", **kwargs):
        self.instance = instance
        kwargs["initial"] = {
            "last_name": instance.last_name,
            "first_name": instance.first_name,
            "role": instance.role,
            "jurisdiction": instance.jurisdiction_id,
            "phone": instance.phone,
            "is_active": instance.is_active,
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        jurisdiction = cast(JurisdictionField, self.fields["jurisdiction"])  # declared above
        jurisdiction.offer(user, focus, current=instance.jurisdiction)
        if instance.pk == user.pk:
            for field in ("role", "jurisdiction", "is_active"):
                self.fields[field].disabled = True
                self.fields[field].help_text = _(
                    "You cannot change your own role, jurisdiction or status."
                )

    def action_changes(self) -> dict:
        """The fields the user changed (disabled ones never are)."""
        return {f: self.cleaned_data[f] for f in self.changed_data if not self.fields[f].disabled}


class SetPasswordForm(PasswordPairMixin):
    pass

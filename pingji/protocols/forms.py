import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import scope_code
from pingji.core.forms import DateInput
from pingji.geo.choices import Level
from pingji.geo.models import Jurisdiction

from .rules import validate_rules

#: Levels a protocol version is usually issued for (the joint command's three levels).
COPY_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)


def parse_rules(text: str):
    """JSON text → rules, or a ValidationError listing each problem as ``path: reason``."""
    try:
        rules = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("Not valid JSON (line %(line)s, column %(col)s): %(msg)s"),
            params={"line": exc.lineno, "col": exc.colno, "msg": exc.msg},
        ) from exc
    errors = validate_rules(rules)
    if errors:
        raise ValidationError([str(e) for e in errors])
    return rules


class ProtocolCopyForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    jurisdiction_code = forms.ChoiceField(label=_("applies to"))
    effective_from = forms.DateField(label=_("effective from"), widget=DateInput)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = scope_code(user) or ""
        areas = Jurisdiction.objects.restrict(user).filter(level__in=COPY_LEVELS)
        areas = (areas | Jurisdiction.objects.filter(code=own)) if own else areas
        choices = [
            (j.code, f"{j.code} {j.name}") for j in areas.only("code", "name").order_by("code")
        ]
        if own == "" and getattr(user, "is_superuser", False):
            choices.insert(0, ("", _("national")))
        self.fields["jurisdiction_code"].choices = choices


class ProtocolAmendForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    effective_from = forms.DateField(label=_("effective from"), widget=DateInput)
    notes = forms.CharField(
        label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    rules = forms.CharField(
        label=_("rules (JSON)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        help_text=_(
            "Each rule keeps its clause; see the format in pingji/protocols/data/README.md."
        ),
    )
    reason = forms.CharField(
        label=_("reason for the amendment"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_rules(self):
        return parse_rules(self.cleaned_data["rules"])

    @classmethod
    def initial_for(cls, protocol) -> dict:
        return {
            "name": protocol.name,
            "effective_from": protocol.effective_from,
            "notes": protocol.notes,
            "rules": json.dumps(protocol.rules, ensure_ascii=False, indent=2),
        }


class InForceForm(forms.Form):
    """Which protocol applies to jurisdiction X on day D."""

    jurisdiction = forms.CharField(label=_("jurisdiction code"), max_length=15, required=False)
    on = forms.DateField(label=_("date"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    @classmethod
    def defaults(cls, code: str) -> dict:
        return {"jurisdiction": code, "on": clock.today()}

    def clean_jurisdiction(self):
        code = self.cleaned_data["jurisdiction"].strip()
        if not code:
            if scope_code(self.user) == "":
                return None  # the nation, for an unscoped superuser
            raise ValidationError(_("Give a jurisdiction code."))
        found = Jurisdiction.objects.restrict(self.user).filter(code=code).first()
        if found is None:
            raise ValidationError(_("No jurisdiction with this code in your area."))
        return found

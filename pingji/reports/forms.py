from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.analytics.series import today
from pingji.core.forms import limit_choices
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.models import Jurisdiction


def not_future(value):
    if value and value > today():
        raise forms.ValidationError(_("The date is in the future."), code="future")
    return value


class AsOfForm(forms.Form):
    """The situation room's "as of" day and optional outbreak start."""

    on = forms.DateField(label=_("as of"), required=False)
    since = forms.DateField(label=_("since"), required=False)

    def clean_on(self):
        return not_future(self.cleaned_data.get("on"))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("on") and data["since"] > data["on"]:
            self.add_error("since", _("The start is after the day shown."))
        return data


class GenerateForm(forms.Form):
    """Generate (or regenerate) the daily report of an area down to the county, for a day."""

    jurisdiction = forms.ModelChoiceField(
        label=_("jurisdiction"), queryset=Jurisdiction.objects.none()
    )
    day = forms.DateField(label=_("day"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Jurisdiction.objects.restrict(user).filter(
            level__in=[lv for lv, n in CODE_LENGTH.items() if n <= CODE_LENGTH[Level.COUNTY]]
        )
        limit_choices(self.fields["jurisdiction"], areas.order_by("code"))

    def clean_day(self):
        return not_future(self.cleaned_data.get("day"))

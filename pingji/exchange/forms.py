"""The card form (fill in and file), the extract upload and the reconciliation's day."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingji.cases.forms import LocalDateTimeField
from pingji.core.forms import DateInput
from pingji.protocols.models import COVID_19, Disease

from .choices import Occupation
from .extracts import MAX_BYTES
from .models import CARD_NUMBER_LENGTH


class CardForm(forms.Form):
    """The fields the national card asks and the case lacks, and the number once filed."""

    occupation = forms.ChoiceField(
        label=_("occupation (population group)"),
        choices=[("", "---------"), *Occupation.choices],
        required=False,
    )
    reporting_unit = forms.CharField(
        label=pgettext_lazy("report card", "reporting unit"), max_length=200, required=False
    )
    diagnosed_at = LocalDateTimeField(label=_("diagnosis time"), required=False)
    card_number = forms.CharField(
        label=_("card number"),
        max_length=CARD_NUMBER_LENGTH,
        required=False,
        help_text=_("The number the national system gave the card; filing closes the task."),
    )

    def action_data(self) -> dict:
        data = self.cleaned_data
        return {
            "occupation": data["occupation"] or None,
            "reporting_unit": data["reporting_unit"] if data["reporting_unit"] else None,
            "diagnosed_at": data["diagnosed_at"],
        }


class ExtractForm(forms.Form):
    file = forms.FileField(
        label=_("extract of the national system (.xlsx or .csv)"),
        help_text=_("At most %(mb)s MB.") % {"mb": MAX_BYTES >> 20},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class DayForm(forms.Form):
    on = forms.DateField(label=_("day"), widget=DateInput())
    disease = forms.ModelChoiceField(
        label=_("disease"),
        queryset=Disease.objects.all(),
        to_field_name="code",
        initial=COVID_19,
        required=False,
    )

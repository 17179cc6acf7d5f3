from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import OptOutSource


class OptOutForm(forms.Form):
    """A recipient's request to receive no more information on the message's channel."""

    source = forms.ChoiceField(label=_("source"), choices=OptOutSource.choices)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

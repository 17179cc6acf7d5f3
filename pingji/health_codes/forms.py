from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.core.uploads import size_limit
from pingji.quarantine.choices import RegimeCategory
from pingji.quarantine.forms import dispatch_site_field

from .choices import PushKind


class PushForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=PushKind.choices)
    file = forms.FileField(
        label=_("file (CSV or .xlsx)"),
        validators=[size_limit()],
        help_text=_("Columns: 身份证号/id_number, 姓名/name, 手机号/phone, and the kind's own."),
    )
    sender = forms.CharField(label=_("sent by"), max_length=100, required=False)


class DecideForm(forms.Form):
    """Place the row's person (category, and the site where the regime starts centralised) or
    dismiss the row with a reason."""

    accept = forms.BooleanField(label=_("place"), required=False)
    category = forms.ChoiceField(
        label=_("category"),
        choices=[("", _("by the list's kind")), *RegimeCategory.choices],
        required=False,
    )
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"] = dispatch_site_field(user)

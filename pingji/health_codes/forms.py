from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.core.uploads import size_limit

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
    accept = forms.BooleanField(label=_("accept for placement"), required=False)
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)

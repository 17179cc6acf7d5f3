"""The forms of the notices pages: revoking one, printing a batch."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .choices import NoticeKind
from .printing import CODE


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class BatchForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=NoticeKind.choices)
    grid = forms.CharField(
        label=_("grid code"),
        max_length=15,
        required=False,
        validators=[RegexValidator(CODE, _("A grid is named by its code: 2 to 15 digits."))],
    )
    area = forms.IntegerField(
        label=_("risk area"), required=False, min_value=1, max_value=2**31 - 1
    )

    def clean(self):
        data = super().clean()
        if not data.get("grid") and not data.get("area"):
            raise forms.ValidationError(_("Choose a grid or an area."))
        return data

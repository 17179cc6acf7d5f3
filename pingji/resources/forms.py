from django import forms
from django.utils.translation import gettext_lazy as _

from pingji.core.forms import DateInput, limit_choices

from .models import Store, SupplyItem


class _StockForm(forms.Form):
    item = forms.ModelChoiceField(label=_("item"), queryset=SupplyItem.objects.all())
    quantity = forms.IntegerField(label=_("quantity"))


class ReceiveForm(_StockForm):
    lot = forms.CharField(label=_("lot number"), max_length=60)
    expires_on = forms.DateField(label=_("expires on"), required=False, widget=DateInput())


class IssueForm(_StockForm):
    reason = forms.CharField(label=_("reason"), max_length=300)


class TransferForm(_StockForm):
    to_store = forms.ModelChoiceField(label=_("to store"), queryset=Store.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)

    def __init__(self, *args, user=None, store=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(
            self.fields["to_store"],
            Store.objects.restrict(user, "change").exclude(pk=getattr(store, "pk", None)),
        )

"""Resources pages: stores with stock and movement forms, reserve days, capacity, workforce."""

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.forms import BaseForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import generic

from pingji.core import clock
from pingji.core.views.base import FormStepView, ScopedDetailView, ScopedListView, focus_code

from .actions.stock import do_issue_stock, do_receive_stock, do_transfer_stock
from .capacity import capacity_use, lab_use, last_whole_day
from .filtersets import FacilityFilterSet, StoreFilterSet
from .forms import IssueForm, ReceiveForm, TransferForm
from .models import Batch, Facility, Movement, Store, SupplyItem, Workforce
from .reserves import city_gaps, reserve_rows, standard_for
from .tables import FacilityTable, StoreTable, WorkforceTable


class StoreListView(ScopedListView):
    model = Store
    table = StoreTable
    filterset_class = StoreFilterSet
    select_related = ("jurisdiction",)


def store_context(request, store, **forms) -> dict:
    can = request.user.has_perm("resources.add_movement")
    ctx = {
        "object": store,
        "batches": Batch.objects.filter(store=store, quantity__gt=0).select_related("item"),
        "movements": Movement.objects.filter(store=store).select_related("item", "batch")[:50],
        "receive_form": ReceiveForm() if can else None,
        "issue_form": IssueForm() if can else None,
        "transfer_form": TransferForm(user=request.user, store=store) if can else None,
        "today": clock.today(),
    }
    ctx.update(forms)
    return ctx


class StoreDetailView(ScopedDetailView):
    model = Store
    template_name = "resources/store_detail.html"

    def get_context_data(self, **kwargs):
        return store_context(self.request, self.object)


class _StockStep(PermissionRequiredMixin, FormStepView):
    model = Store
    permission_required = "resources.add_movement"
    success_message = _("Stock recorded.")
    form_class: type[BaseForm] = ReceiveForm  # issuing and transferring post their own

    def make_form(self, data, files):
        return self.form_class(data)

    def render_invalid(self, obj, form):
        return render(
            self.request,
            "resources/store_detail.html",
            store_context(self.request, obj, **{self.form_name: form}),
            status=400,
        )


class ReceiveView(_StockStep):
    form_name = "receive_form"

    def perform(self, obj, form):
        do_receive_stock(obj, actor=self.request.user, **form.cleaned_data)


class IssueView(_StockStep):
    form_name = "issue_form"
    form_class = IssueForm

    def perform(self, obj, form):
        do_issue_stock(obj, actor=self.request.user, **form.cleaned_data)


class TransferView(_StockStep):
    form_name = "transfer_form"

    def make_form(self, data, files):
        return TransferForm(data, user=self.request.user, store=self.get_object())

    def perform(self, obj, form):
        do_transfer_stock(obj, actor=self.request.user, **form.cleaned_data)


class ReservesView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    """Reserve days of the focus area: under-reserve rows first and the gap each city must fill."""

    permission_required = "resources.view_store"
    template_name = "resources/reserves.html"

    def get_context_data(self, **kwargs):
        code = focus_code(self.request)
        try:
            on = datetime.date.fromisoformat(self.request.GET.get("on", ""))
        except ValueError:
            on = clock.today()
        rows = reserve_rows(code, on)
        stores = Store.objects.restrict(self.request.user).in_bulk([r.store_id for r in rows])
        items = SupplyItem.objects.in_bulk([r.item_id for r in rows])
        rows = [r for r in rows if r.store_id in stores]
        under = sorted((r for r in rows if r.under_reserve), key=lambda r: r.reserve_days or 0)
        gaps = city_gaps(rows, {pk: st.jurisdiction_id for pk, st in stores.items()})
        return {
            **super().get_context_data(**kwargs),
            "on": on,
            "standard": standard_for(code, on),
            "under": [(r, stores[r.store_id], items[r.item_id]) for r in under[:200]],
            "under_count": len(under),
            "row_count": len(rows),
            "gaps": sorted(((c, items[i], g) for (c, i), g in gaps.items()), key=lambda x: x[0]),
        }


class FacilityListView(ScopedListView):
    """Capacity by facility, with the totals of the focus area and their current use, and each
    county's labs against the samples resulted on a day (``?on=``, by default yesterday)."""

    model = Facility
    table = FacilityTable
    filterset_class = FacilityFilterSet
    select_related = ("jurisdiction",)
    template_name = "resources/facility_list.html"

    def get_context_data(self, **kwargs):
        now = clock.now()
        try:
            day = datetime.date.fromisoformat(self.request.GET.get("on", ""))
        except ValueError:
            day = last_whole_day(now)
        code = focus_code(self.request)
        return {
            **super().get_context_data(**kwargs),
            "use": capacity_use(code, now, lab_day=day),
            "labs": lab_use(code, day),
            "lab_day": day,
        }


class FacilityDetailView(ScopedDetailView):
    model = Facility
    template_name = "resources/facility_detail.html"


class WorkforceListView(ScopedListView):
    model = Workforce
    table = WorkforceTable
    select_related = ("jurisdiction",)

"""Direct-reporting pages: the cards with their status, the card form, the card-layout export,
the extract import with its report, and the reconciliation before a bulletin.

Every page reads through ``restrict`` (outside the area: 404) and writes through ``actions``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import generic

from pingji.core import clock
from pingji.core.actions import local_date
from pingji.core.forms import add_action_errors
from pingji.core.views.base import ScopedDetailView, ScopedListView, answer_refusal, focus_code
from pingji.protocols.models import COVID_19

from .actions.cards import do_file_card, do_update_card
from .actions.extracts import do_import_extract
from .choices import CardStatus
from .forms import CardForm, DayForm, ExtractForm
from .layout import export_cards
from .models import Extract, ReportCard
from .reconcile import reconcile
from .tables import CardTable, ExtractTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def with_status(cards, status: str):
    """The cards in ``status`` (``CardStatus``); an unknown status filters nothing."""
    now, open_ = clock.now(), Q(voided_at__isnull=True)
    unfiled = open_ & Q(filed_at__isnull=True)
    same = Q(filed_classification=F("classification"))
    filters: dict[str, Q] = {
        CardStatus.TO_FILE: unfiled & Q(due_at__gte=now),
        CardStatus.OVERDUE: unfiled & Q(due_at__lt=now),
        CardStatus.FILED: open_ & Q(filed_at__isnull=False) & same,
        CardStatus.TO_REVISE: open_ & Q(filed_at__isnull=False) & ~same,
        CardStatus.VOIDED: Q(voided_at__isnull=False),
    }
    found = filters.get(status)
    return cards.filter(found) if found is not None else cards


class CardListView(ScopedListView):
    model = ReportCard
    table = CardTable
    select_related = ("case__person",)
    template_name = "exchange/card_list.html"

    def get_queryset(self):
        return with_status(super().get_queryset(), self.request.GET.get("status", ""))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["statuses"] = CardStatus.choices
        ctx["status"] = self.request.GET.get("status", "")
        return ctx


def _card_page(request, card: ReportCard, form: CardForm, status: int = 200):
    context = {
        "object": card,
        "card": card,
        "form": form,
        "may_change": request.user.has_perm("exchange.change_reportcard") and not card.voided_at,
    }
    return render(request, "exchange/card_detail.html", context, status=status)


class CardDetailView(ScopedDetailView):
    model = ReportCard

    def get_queryset(self):
        return super().get_queryset().select_related("case__person", "case__disease")

    def get(self, request, *args, **kwargs):
        card = self.get_object()
        initial = {
            "occupation": card.occupation,
            "reporting_unit": card.reporting_unit,
            "diagnosed_at": card.diagnosed_at,
            "card_number": card.card_number or "",
        }
        return _card_page(request, card, CardForm(initial=initial))

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("exchange.change_reportcard"):
            raise PermissionDenied
        card = self.get_object()
        form = CardForm(request.POST)
        refusal: ValidationError | None = None
        if form.is_valid():
            try:
                _save_card(card, form, request.user)
            except ValidationError as exc:
                add_action_errors(form, exc)
                refusal = exc
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Saved."))
                return redirect(card)
        card.refresh_from_db()
        return answer_refusal(request, refusal, lambda: _card_page(request, card, form, 400))


def _save_card(card: ReportCard, form: CardForm, user) -> None:
    number = form.cleaned_data["card_number"].strip()
    if number:
        do_file_card(card, actor=user, card_number=number, **form.action_data())
    else:
        do_update_card(card, actor=user, **form.action_data())


class CardExportView(LoginRequiredMixin, PermissionRequiredMixin, generic.View):
    """The cards of the focus area in the card layout (one row a card)."""

    permission_required = "exchange.view_reportcard"

    def get(self, request):
        cards = ReportCard.objects.restrict(request.user).within(focus_code(request))
        cards = with_status(cards, request.GET.get("status", ""))
        response = HttpResponse(export_cards(request.user, cards), content_type=XLSX)
        name = f"report-cards-{clock.today().isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ExtractListView(ScopedListView):
    """The extracts imported, with the upload form and the last import's report."""

    model = Extract
    table = ExtractTable
    select_related = ("imported_by",)
    template_name = "exchange/extract_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", ExtractForm())
        return ctx

    def post(self, request):
        if not request.user.has_perm("exchange.add_extract"):
            raise PermissionDenied
        form = ExtractForm(request.POST, request.FILES)
        outcome = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                outcome = do_import_extract(upload.read(), name=upload.name, actor=request.user)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                if outcome.ok:
                    messages.success(request, _imported_text(outcome))
                    return redirect("exchange:extract_list")
        self.object_list = self.get_queryset()
        ctx = self.get_context_data(form=form, outcome=outcome)
        return self.render_to_response(ctx, status=400)


def _imported_text(outcome) -> str:
    if outcome.repeated:
        return _("This file was imported before; nothing changed.")
    return _(
        "Imported: %(created)s new cards, %(updated)s revised, %(already)s already known, "
        "%(filed)s report cards filed, %(unmatched)s without a case here."
    ) % {
        "created": outcome.created,
        "updated": outcome.updated,
        "already": outcome.already,
        "filed": outcome.filed,
        "unmatched": outcome.unmatched,
    }


class ExtractDetailView(ScopedDetailView):
    model = Extract
    template_name = "exchange/extract_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cards"] = self.object.cards.select_related("county", "disease")[:500]
        return ctx


class ReconciliationView(LoginRequiredMixin, PermissionRequiredMixin, generic.TemplateView):
    """County counts of the extract against Pingji's indicators for a day."""

    permission_required = "exchange.view_extractcard"
    template_name = "exchange/reconciliation.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = self.request.GET or {"on": local_date(clock.now()).isoformat()}
        form = DayForm(data)
        ctx["form"] = form
        if form.is_valid():
            chosen = form.cleaned_data["disease"]
            disease = chosen.code if chosen else COVID_19
            ctx["lines"] = reconcile(self.request.user, form.cleaned_data["on"], disease)
        return ctx

"""Messaging pages: the outbox (scoped by the recipients' jurisdictions), a message with its
history, sending a failed one again, and the opt-outs."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from pingji.core.views.base import ScopedActionView, ScopedDetailView, ScopedListView

from . import catalogue, gateways
from .actions.optouts import do_record_opt_out
from .actions.retry import do_retry_message
from .actions.sending import preview
from .choices import Status
from .filtersets import MessageFilterSet, OptOutFilterSet
from .forms import OptOutForm
from .models import Message, OptOut
from .tables import MessageTable, OptOutTable


class MessageListView(ScopedListView):
    model = Message
    table = MessageTable
    filterset_class = MessageFilterSet
    template_name = "messaging/message_list.html"

    def get_context_data(self, **kwargs):
        live = set(gateways.configured_channels())
        return {**super().get_context_data(**kwargs), "gateways": sorted(live)}


def opted_out(message: Message) -> bool:
    return OptOut.objects.filter(
        recipient_kind=message.recipient_kind,
        recipient_id=str(getattr(message, f"{message.recipient_kind}_id") or ""),
        channel=message.channel,
    ).exists()


class MessageDetailView(ScopedDetailView):
    model = Message
    template_name = "messaging/message_detail.html"

    def get_context_data(self, **kwargs):
        message = self.object
        template = catalogue.get(message.template)
        subject, body = preview(message)
        user = self.request.user
        may_opt_out = (
            not template.legal
            and message.recipient is not None
            and user.has_perm("messaging.add_optout")
            and not opted_out(message)
        )
        return {
            **super().get_context_data(**kwargs),
            "template": template,
            "subject": subject,
            "body": body,
            "no_gateway": message.status == Status.QUEUED
            and gateways.for_channel(message.channel) is None,
            "may_retry": message.status == Status.FAILED
            and user.has_perm("messaging.retry_message"),
            "optout_form": OptOutForm() if may_opt_out else None,
            "opted_out": opted_out(message),
        }


class RetryView(PermissionRequiredMixin, ScopedActionView):
    model = Message
    permission_required = "messaging.retry_message"

    def post(self, request, pk):
        message = self.get_object()
        try:
            do_retry_message(message, actor=request.user)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The message is queued again."))
        return redirect(message)


class OptOutView(PermissionRequiredMixin, ScopedActionView):
    """Record, from a message's page, that its recipient wants no more information on its
    channel (a legal notification's page offers no such form)."""

    model = Message
    permission_required = "messaging.add_optout"

    def post(self, request, pk):
        message = self.get_object()
        form = OptOutForm(request.POST)
        if catalogue.get(message.template).legal or message.recipient is None:
            messages.error(request, _("A legal notification cannot be opted out of."))
            return redirect(message)
        if not form.is_valid():
            messages.error(request, _("Say where the request came from."))
            return redirect(message)
        try:
            do_record_opt_out(
                message.recipient,
                channel=message.channel,
                actor=request.user,
                **form.cleaned_data,
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(message)
        messages.success(request, _("The opt-out is recorded."))
        return redirect(message)


class OptOutListView(ScopedListView):
    model = OptOut
    table = OptOutTable
    filterset_class = OptOutFilterSet

"""The perimeter's pages: the code step after the password, changing and resetting one's own
password, and the list of refused access for auditors (docs/decisions/0034-perimeter.md)."""

import logging

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django_otp import login as otp_login

from pingji.core.tables import Column, Table
from pingji.core.views.base import ScopedListView

from ..actions import accounts
from ..models import AccessRefusal
from ..otp import device_for, enrolment_device, secret_base32, waiting_for_code

log = logging.getLogger("pingji.security")


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("6-digit code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def qr_svg(text: str) -> str:
    """``text`` as an inline SVG QR code, for an authenticator app's camera (no script, no file)."""
    import segno

    return mark_safe(segno.make(text, error="m").svg_inline(scale=4, dark="#1b2631"))


class OTPVerifyView(LoginRequiredMixin, generic.View):
    """The second step of a login: the code from the user's authenticator app.

    A user without a confirmed device enrols here first: the page shows the otpauth URI and its
    secret, and the first correct code confirms the device. Wrong codes are throttled by the device
    (each failure doubles the wait) and logged.
    """

    template_name = "registration/otp.html"

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            target, {self.request.get_host()}, self.request.is_secure()
        )
        return target if safe else reverse("home")

    def _device(self):
        user = self.request.user
        return device_for(user) or enrolment_device(user)

    def _page(self, form, device, status=200):
        context = {"form": form, "next": self._next(), "enrolling": not device.confirmed}
        if not device.confirmed:
            context.update(
                otpauth_uri=device.config_url,
                otpauth_qr=qr_svg(device.config_url),
                secret=secret_base32(device),
            )
        return render(self.request, self.template_name, context, status=status)

    def get(self, request):
        if not waiting_for_code(request.user):
            return redirect(self._next())
        return self._page(CodeForm(), self._device())

    def post(self, request):
        if not waiting_for_code(request.user):
            return redirect(self._next())
        device = self._device()
        form = CodeForm(request.POST)
        if form.is_valid() and device.verify_token(form.cleaned_data["otp_token"].strip()):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(self._next())
        log.warning("wrong one-time code for user %s", request.user.pk)
        form.add_error(None, _("Wrong or expired code; wait for the next one and try again."))
        return self._page(form, device, status=400)


class _RevokesTokens:
    """A new password, however set, revokes the user's API tokens (``actions``)."""

    how = ""

    def form_valid(self, form):
        response = super().form_valid(form)  # type: ignore[misc]
        accounts.do_password_changed(form.user, how=self.how)
        return response


class PasswordChangeView(_RevokesTokens, auth_views.PasswordChangeView):
    """A user changes their own password."""

    how = "change"
    success_url = reverse_lazy("password_change_done")


class PasswordResetConfirmView(_RevokesTokens, auth_views.PasswordResetConfirmView):
    """The link from the reset mail: a new password."""

    how = "reset"
    success_url = reverse_lazy("password_reset_complete")


class RefusalTable(Table):
    columns = (
        Column("time", gettext_lazy("time")),
        Column("user", gettext_lazy("user")),
        Column("status", gettext_lazy("status")),
        Column("method", gettext_lazy("method")),
        Column("path", gettext_lazy("path")),
        Column("request_id", gettext_lazy("request id")),
    )


class RefusalListView(ScopedListView):
    """Refused access (403, 404) of the users in the auditor's area, newest first."""

    model = AccessRefusal
    table = RefusalTable
    select_related = ("user",)

"""Self-report: the person's own page (no login) and the staff's buttons to issue and withdraw it.

The person's page answers only to a live link (docs/decisions/0043): an unknown token is 404, a
withdrawn or expired one 410 with what to do, and neither writes anything. It shows the name masked,
because whoever holds the phone holds the page, and it is never cached.
"""

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pingji.core import clock
from pingji.core.forms import add_action_errors
from pingji.core.personal_data import mask_name

from ..actions import self_report
from ..choices import Setting, Symptom
from ..models import MonitoringCheck, Placement, SelfReportLink
from ..models.episodes import FEVER_CELSIUS


class SelfReportForm(forms.Form):
    temperature = forms.DecimalField(
        label=gettext_lazy("Temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "autofocus": True}),
    )
    symptoms = forms.MultipleChoiceField(
        label=gettext_lazy("Symptoms today"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=gettext_lazy("Anything else"), max_length=300, required=False)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, token: str):
    """GET: today's form, or what was recorded today. POST: record today's check."""
    try:
        link = self_report.find_link(token)
    except self_report.LinkRefused as refused:
        status = 410 if refused.gone else 404
        return render(
            request, "quarantine/self_report_refused.html", {"why": refused.why}, status=status
        )
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            self_report.do_self_report(token, **form.cleaned_data)
        except self_report.LinkRefused as refused:
            return render(
                request, "quarantine/self_report_refused.html", {"why": refused.why}, status=410
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect(request.path)
    return render(
        request,
        "quarantine/self_report.html",
        _page(link, form),
        status=400 if request.method == "POST" else 200,
    )


def _refused(request, refused: self_report.LinkRefused):
    """404 for a token that never opened anything, 410 for one that no longer does."""
    status = 410 if refused.gone else 404
    return render(
        request, "quarantine/self_report_refused.html", {"why": refused.why}, status=status
    )


def _page(link: SelfReportLink, form: SelfReportForm) -> dict:
    placement, today = link.placement, clock.today()
    done = MonitoringCheck.objects.filter(placement=placement, on=today).first()
    return {
        "form": form,
        "name": mask_name(placement.person.name),
        "today": today,
        "end": placement.planned_end_on,
        "days_left": (placement.planned_end_on - today).days,
        "done": done,
        "fever": FEVER_CELSIUS,
    }


class LinkIssueView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Issue (or show again) the person's link, from the placement's page."""

    permission_required = "quarantine.add_selfreportlink"

    def post(self, request, pk: int):
        placement = _scoped(Placement, request.user, pk)
        try:
            self_report.do_issue_link(placement, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("quarantine:placement_detail", pk=placement.pk)


class LinkRevokeView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Withdraw a link (a lost phone); the person gets a new one when it is issued again."""

    permission_required = "quarantine.change_selfreportlink"

    def post(self, request, pk: int):
        link = _scoped(SelfReportLink, request.user, pk)
        try:
            self_report.do_revoke_link(link, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The link is withdrawn."))
        return redirect("quarantine:placement_detail", pk=link.placement_id)


def _scoped(model, user, pk: int):
    try:
        return get_object_or_404(model.objects.restrict(user), pk=pk)
    except PermissionDenied as exc:
        raise Http404 from exc


def link_context(request, placement: Placement) -> dict:
    """The placement page's self-report box: the live link with its QR code, or the button."""
    user = request.user
    at_home = placement.is_active and placement.setting == Setting.HOME
    link = self_report.live_link(placement) if at_home else None
    context = {
        "link": link,
        "can_issue": at_home and user.has_perm("quarantine.add_selfreportlink"),
        "can_revoke": user.has_perm("quarantine.change_selfreportlink"),
    }
    if link is not None:
        url = request.build_absolute_uri(self_report.path_for(link))
        qr = segno.make(url, error="m").svg_inline(scale=3, dark="#1b2631")
        context.update(url=url, qr=mark_safe(qr))  # noqa: S308 — segno's own SVG, no user text
    return context

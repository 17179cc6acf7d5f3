"""The command mode page of a jurisdiction and the switch form (平急转换)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic

from pingji.core.views.base import focus_code
from pingji.geo.models import Jurisdiction

from ..actions.modes import do_switch_mode
from ..forms import SwitchModeForm
from ..models import ModeSwitch
from ..modes import mode_for, modes_below


def _jurisdiction(request, code: str) -> Jurisdiction:
    found = Jurisdiction.objects.restrict(request.user).defer("boundary").filter(code=code).first()
    if found is None:
        raise Http404
    return found


class ModeView(LoginRequiredMixin, generic.View):
    """The mode in force here (own or inherited), each lower level's, and the switches behind them.

    Without a code the page shows the user's focus; an unscoped superuser without a focus sees
    the top-level jurisdictions.
    """

    def get(self, request, code: str | None = None):
        code = code if code is not None else focus_code(request)
        ctx = {"can_switch": request.user.has_perm("command.add_modeswitch")}
        if not code:
            roots = Jurisdiction.objects.restrict(request.user).filter(parent__isnull=True)
            ctx["lower"] = [(j, mode_for(j)) for j in roots.defer("boundary").order_by("code")]
            return render(request, "command/mode_detail.html", ctx)
        place = _jurisdiction(request, code)
        chain = [*place.ancestor_codes(), place.code]
        ctx.update(
            place=place,
            current=mode_for(place),
            lower=modes_below(place),
            history=ModeSwitch.objects.restrict(request.user)
            .filter(jurisdiction_id__in=chain)
            .select_related("jurisdiction", "decided_by"),
        )
        return render(request, "command/mode_detail.html", ctx)


class SwitchModeView(LoginRequiredMixin, generic.View):
    """Declare peacetime or emergency (with a level) for a jurisdiction of one's own area."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.place = _jurisdiction(request, kwargs["code"])
            if not request.user.has_perm("command.add_modeswitch"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, code):
        return self.render(SwitchModeForm())

    def post(self, request, code):
        form = SwitchModeForm(request.POST)
        if form.is_valid():
            try:
                do_switch_mode(self.place, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Mode switched."))
                return redirect(reverse("command:mode_detail", args=[self.place.code]))
        return self.render(form, status=400)

    def render(self, form, status=200):
        ctx = {"form": form, "place": self.place, "current": mode_for(self.place)}
        return render(self.request, "command/mode_switch.html", ctx, status=status)

"""The field app's pages: the app itself (a shell with no personal data), its service worker and
manifest, and the sync history with the user's devices."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_POST

from . import keys
from .actions.devices import do_revoke_device
from .models import FieldDevice, FieldRecord
from .strings import strings

#: The files the service worker keeps for the app to open without a network.
ASSETS = (
    *("pingji/field/store.js", "pingji/field/cards.js", "pingji/field/vlist.js"),
    *("pingji/field/lists.js", "pingji/field/app.js"),
    *("pingji/field/field.css", "pingji/field/icon.svg"),
)
SCOPE = "/field/"


class AppView(LoginRequiredMixin, generic.TemplateView):
    """The app's shell: its strings and addresses, no personal data, so the service worker may
    keep it; the day comes from the API into the app's encrypted store."""

    template_name = "field/app.html"

    def get_context_data(self, **kwargs):
        if not keys.may_use(self.request.user):
            raise PermissionDenied(_("The field app is for grid workers."))
        urls = {
            "key": reverse("field-key"),
            "day": reverse("field-day"),
            "sync": reverse("field-sync"),
            "sw": reverse("field:sw"),
            "scope": SCOPE,
            "logout": reverse("logout"),
            "login": f"{reverse('login')}?next={SCOPE}",
            "history": reverse("field:history"),
            "home": reverse("home"),
        }
        return {
            **super().get_context_data(**kwargs),
            "strings": json.dumps(strings(), ensure_ascii=False),
            "urls": json.dumps(urls),
        }


def service_worker(request):
    """``/field/sw.js``: the worker at the app's own path, so its scope covers the app; the list
    of assets to keep is written in front of the script with their static URLs."""
    path = finders.find("pingji/field/sw.js")
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as handle:  # type: ignore[arg-type]
        body = handle.read()
    assets = [static(a) for a in ASSETS]
    head = f"const ASSETS = {json.dumps(assets)};\nconst SHELL = {json.dumps(SCOPE)};\n"
    response = HttpResponse(head + body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = SCOPE
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    """The web manifest: installable, opening on the app, in the user's language."""
    data = {
        "name": _("Pingji field app"),
        "short_name": _("Field app"),
        "start_url": SCOPE,
        "scope": SCOPE,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b03a2e",
        "icons": [
            {"src": static("pingji/field/icon.svg"), "sizes": "any", "type": "image/svg+xml"}
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


class HistoryView(LoginRequiredMixin, generic.ListView):
    """The user's own sync history, and their devices, each of which they may revoke."""

    template_name = "field/history.html"
    paginate_by = 100
    context_object_name = "records"

    def get_queryset(self):
        return FieldRecord.objects.filter(user=self.request.user).order_by("-received_at", "-id")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "devices": FieldDevice.objects.filter(user=self.request.user),
        }


@require_POST
def revoke_device(request, pk: int):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('field:history')}")
    device = get_object_or_404(FieldDevice, pk=pk, user=request.user)
    try:
        do_revoke_device(device, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The device is revoked: its data is wiped when it next asks."))
    return redirect("field:history")

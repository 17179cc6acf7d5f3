"""Protocol pages: the versions, which one is in force here, copy for an area, amend, ask."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import generic

from pingji.core import clock
from pingji.core.events import events_for
from pingji.core.forms import add_action_errors
from pingji.core.views.base import ScopedDetailView, ScopedListView, focus_code
from pingji.geo.models import Jurisdiction

from .actions.versions import (
    do_amend_protocol,
    do_copy_protocol,
    is_drill_binding,
    refuse_drill_binding,
)
from .display import sections
from .filtersets import ProtocolFilterSet
from .forms import InForceForm, ProtocolAmendForm, ProtocolCopyForm
from .models import COVID_19, Disease, Protocol
from .rules import diff_paths
from .tables import ProtocolTable
from .versions import explain


def _area_names(queryset):
    name = Jurisdiction.objects.filter(code=OuterRef("jurisdiction_code")).values("name")[:1]
    return queryset.annotate(area_name=Coalesce(Subquery(name), Value(_("national"))))


def value_at(document, path: str):
    """The value at a ``$.a.b`` path of ``diff_paths``; None where it is missing."""
    for key in path.split(".")[1:]:
        document = document.get(key) if isinstance(document, dict) else None
    return document


class ProtocolListView(ScopedListView):
    """The versions that concern the focus (its own, its higher levels', the nation's, below it).

    The one in force there today is marked, with the reason, so "which rules do we apply" is the
    first thing the page answers.
    """

    model = Protocol
    table = ProtocolTable
    filterset_class = ProtocolFilterSet
    template_name = "protocols/protocol_list.html"
    select_related = ("based_on",)

    def get_queryset(self):
        code, today = focus_code(self.request), clock.today()
        self.choice = explain(code, today)  # COVID-19's, which the page explains
        others = Disease.objects.exclude(pk=COVID_19).values_list("pk", flat=True)
        choices = [self.choice, *(explain(code, today, d) for d in others)]
        in_force = [c.protocol.pk for c in choices if c.protocol]  # one version per disease
        marked = Case(
            When(pk__in=in_force, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        return (
            _area_names(super().get_queryset()).select_related("disease").annotate(in_force=marked)
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["choice"] = self.choice
        ctx["focus_name"] = _area_name(self.choice.jurisdiction_code)
        return ctx


def _area_name(code: str) -> str:
    if not code:
        return _("national")
    return Jurisdiction.objects.filter(code=code).values_list("name", flat=True).first() or code


class ProtocolDetailView(ScopedDetailView):
    model = Protocol
    template_name = "protocols/protocol_detail.html"

    def get_queryset(self):
        return _area_names(super().get_queryset()).select_related("based_on")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, p = self.request.user, self.object
        visible = Protocol.objects.restrict(user)
        base = p.based_on if p.based_on_id and visible.filter(pk=p.based_on_id).exists() else None
        ctx.update(
            sections=sections(p.rules),
            rules_json=json.dumps(p.rules, ensure_ascii=False, indent=2),
            base=base,
            differences=[
                (path, value_at(base.rules, path), value_at(p.rules, path))
                for path in (diff_paths(base.rules, p.rules) if base else [])
            ],
            amendments=_area_names(visible.filter(based_on=p)).order_by("jurisdiction_code"),
            events=events_for(p),
            can_amend=Protocol.objects.restrict(user, "change").filter(pk=p.pk).exists()
            and not is_drill_binding(p),
            can_copy=user.has_perm("protocols.add_protocol"),
        )
        return ctx


class ProtocolCopyView(LoginRequiredMixin, generic.View):
    """Copy a version for an area of one's own; the copy is then amended."""

    template_name = "protocols/protocol_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.source = get_object_or_404(
                Protocol.objects.restrict(request.user), pk=kwargs["pk"]
            )
            if not request.user.has_perm("protocols.add_protocol"):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        initial = {
            "name": self.source.name,
            "jurisdiction_code": request.user.jurisdiction_id or "",
        }
        return self.render(ProtocolCopyForm(user=request.user, initial=initial))

    def post(self, request, pk):
        form = ProtocolCopyForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                copy = do_copy_protocol(self.source, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Copied. Amend the copy for your area below."))
                return redirect("protocols:protocol_amend", copy.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        ctx = {
            "form": form,
            "object": self.source,
            "title": _("Copy %(name)s") % {"name": self.source},
        }
        return render(self.request, self.template_name, ctx, status=status)


class ProtocolAmendView(LoginRequiredMixin, generic.View):
    """Amend a version of one's own area: rules as JSON, with every error at its path.

    A version bound to a drill sandbox is not amended: the page goes back to it and says why."""

    template_name = "protocols/protocol_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(
                Protocol.objects.restrict(request.user, "change"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        try:
            refuse_drill_binding(self.object)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(self.object)
        return self.render(ProtocolAmendForm(initial=ProtocolAmendForm.initial_for(self.object)))

    def post(self, request, pk):
        form = ProtocolAmendForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_amend_protocol(self.object, actor=request.user, **data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Protocol amended."))
                return redirect(self.object)
        return self.render(form, status=400)

    def render(self, form, status=200):
        ctx = {
            "form": form,
            "object": self.object,
            "title": _("Amend %(name)s") % {"name": self.object},
        }
        return render(self.request, self.template_name, ctx, status=status)


class ProtocolInForceView(LoginRequiredMixin, generic.View):
    """Which protocol applies to jurisdiction X on day D — and what happened to the others."""

    def get(self, request):
        if not request.user.has_perm("protocols.view_protocol"):
            raise PermissionDenied
        data = request.GET if "jurisdiction" in request.GET else None
        form = InForceForm(
            data, user=request.user, initial=InForceForm.defaults(focus_code(request))
        )
        choice = None
        if data is not None and form.is_valid():
            place = form.cleaned_data["jurisdiction"]
            choice = explain(place.code if place else "", form.cleaned_data["on"])
        status = 400 if data is not None and not form.is_valid() else 200
        ctx = {
            "form": form,
            "choice": choice,
            "area": _area_name(choice.jurisdiction_code) if choice else "",
        }
        return render(request, "protocols/protocol_in_force.html", ctx, status=status)

"""Transmission chain pages: the interactive graph, clusters, links, and the link form.

The graph is drawn by plotly.js served by the app itself (``plotly-js``, as the map), from the
JSON of ``chain_data``: the links within the user's focus, read through ``restrict``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from pingji.cases.models import Case
from pingji.core.forms import add_action_errors
from pingji.core.views.base import ScopedDetailView, ScopedListView, focus_code
from pingji.epi import serial as epi_serial

from .. import chains
from ..actions.chains import do_link_cases
from ..filtersets import ClusterFilterSet
from ..forms import LinkForm
from ..models import Cluster, Link
from ..tables import ClusterTable


def _links(request, cluster=None):
    links = Link.objects.restrict(request.user).within(focus_code(request))
    if cluster is not None:
        links = links.filter(cluster=cluster)
    return list(links.select_related("cluster"))


def _summary(request) -> dict:
    # the focus lies inside the user's own area (core.views.base.focus_code), so these are theirs
    pairs = [
        p.onset_days
        for p in chains.transmission_pairs(focus_code(request))
        if p.onset_days is not None
    ]
    try:
        fitted = epi_serial.fit(pairs)
    except ValueError:
        return {"n": len(pairs)}
    return {"mean": fitted.mean, "sd": fitted.sd, "n": fitted.n}


class ChainGraphView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "tracing.view_link"

    def get(self, request):
        return render(request, "tracing/chain_graph.html", self.context(request))

    def context(self, request, form=None) -> dict:
        links = _links(request)
        if form is None and request.user.has_perm("tracing.add_link"):
            form = LinkForm(user=request.user)
        return {
            "link_count": len(links),
            "clusters": Cluster.objects.restrict(request.user).within(focus_code(request)),
            "serial": _summary(request),
            "form": form,
        }

    def post(self, request):
        if not request.user.has_perm("tracing.add_link"):
            raise PermissionDenied
        form = LinkForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                do_link_cases(
                    data.pop("infector"), data.pop("infectee"), actor=request.user, **data
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("You cannot link these cases."))
            else:
                messages.success(request, _("Linked."))
                return redirect("tracing:chain_graph")
        return render(request, "tracing/chain_graph.html", self.context(request, form), status=400)


class ChainDataView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The graph's JSON: the links in focus (of one cluster with ``?cluster=``)."""

    permission_required = "tracing.view_link"

    def get(self, request):
        cluster = None
        if request.GET.get("cluster", "").isdigit():
            visible = Cluster.objects.restrict(request.user)
            cluster = visible.filter(pk=request.GET["cluster"]).first()
        links = _links(request, cluster)
        ids = {x.infector_id for x in links} | {x.infectee_id for x in links}
        cases = Case.objects.restrict(request.user).filter(pk__in=ids).select_related("person")
        visible = {c.pk for c in cases}
        # an infector outside the user's area is shown as a bare node (its id), never its details
        return JsonResponse(chains.graph(links, cases) | {"hidden": sorted(ids - visible)})


class ClusterListView(ScopedListView):
    model = Cluster
    table = ClusterTable
    filterset_class = ClusterFilterSet
    select_related = ("jurisdiction", "place")


class ClusterDetailView(ScopedDetailView):
    model = Cluster
    template_name = "tracing/cluster_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        links = _links(self.request, self.object)
        ctx["links"] = links
        ctx["generations"] = chains.generations([(x.infector_id, x.infectee_id) for x in links])
        return ctx


class LinkDetailView(ScopedDetailView):
    model = Link
    template_name = "tracing/link_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("infector", "infectee", "cluster")

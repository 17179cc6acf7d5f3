"""The bureau's endpoint and the reconciliation API: pushes received, what each row became.

``POST pushes/`` takes a JSON body (``kind``, ``rows``) or a multipart file; it answers 201 with
the push's reconciliation, or 200 with the same when the content was received before (nothing
written again). ``rows/<id>/decide/`` places the person of a proposed row (``accept``,
``category``, ``site``) or dismisses it (``reason``). Reads go through
``restrict``: another county's pushes and rows are 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from pingji.core.api.base import ScopedReadOnlyViewSet, StepActionsMixin
from pingji.quarantine.models import Site

from ..actions.decisions import do_decide_row
from ..choices import Outcome
from ..models import Push, PushRow
from ..receiving import receive_file, receive_rows
from ..reconcile import as_dict, row_dict, summarise

#: Rows per page of a push's rows.
PAGE = 500


def _offset(request) -> int:
    text = request.query_params.get("offset", "0")
    return int(text) if text.isdigit() and len(text) < 10 else 0


@extend_schema(responses=dict)
class PushViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """Pushes received in the caller's area, each with what its rows became."""

    queryset = Push.objects.all()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    step_actions = ("create",)

    def list(self, request):
        pushes = self.get_queryset().order_by("-received_at", "-id")[:200]
        return Response({"results": [as_dict(s) for s in summarise(pushes, request.user)]})

    def retrieve(self, request, pk=None):
        push = self.get_object()
        rows = PushRow.objects.restrict(request.user).filter(push=push).order_by("line")
        outcome = request.query_params.get("outcome")
        if outcome in Outcome.values:
            rows = rows.filter(outcome=outcome)
        offset = _offset(request)
        page = [row_dict(r) for r in rows[offset : offset + PAGE]]
        body = as_dict(summarise([push], request.user)[0])
        return Response(body | {"offset": offset, "rows_page": page})

    def create(self, request):
        self._require("health_codes.add_push")
        data, sender = request.data, str(request.data.get("sender", ""))
        kind = data.get("kind")
        if "file" in request.FILES:
            push, new = receive_file(kind, request.FILES["file"], actor=request.user, sender=sender)
        else:
            push, new = receive_rows(kind, data.get("rows"), actor=request.user, sender=sender)
        body = as_dict(summarise([push], request.user)[0]) | {"new": new}
        return Response(body, status=201 if new else 200)


@extend_schema(responses=dict)
class PushRowViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """Rows of the pushes in the caller's area (``?outcome=``); ``decide`` settles a proposal."""

    queryset = PushRow.objects.all()
    step_actions = ("decide",)

    def list(self, request):
        rows = self.get_queryset().order_by("push_id", "line")
        outcome = request.query_params.get("outcome")
        if outcome in Outcome.values:
            rows = rows.filter(outcome=outcome)
        offset = _offset(request)
        return Response(
            {"offset": offset, "results": [row_dict(r) for r in rows[offset : offset + PAGE]]}
        )

    def retrieve(self, request, pk=None):
        return Response(row_dict(self.get_object()))

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        row = self.get_object()
        if not request.user.has_perm("health_codes.change_pushrow"):
            raise exceptions.PermissionDenied()
        accept = str(request.data.get("accept", "")).lower() in ("1", "true", "yes")
        row = do_decide_row(
            row,
            accept=accept,
            reason=str(request.data.get("reason", "")),
            category=str(request.data.get("category") or ""),
            site=_site(request.user, request.data.get("site")),
            actor=request.user,
        )
        return Response(row_dict(row))


def _site(user, value) -> Site | None:
    """The quarantine site ``value`` names among the caller's open sites; None when empty."""
    if value in (None, ""):
        return None
    text = str(value)
    usable = text.isdigit() and len(text) <= 18
    site = Site.objects.restrict(user).filter(pk=int(text)).first() if usable else None
    if site is None:
        raise ValidationError({"site": "No such site in your area."})
    return site

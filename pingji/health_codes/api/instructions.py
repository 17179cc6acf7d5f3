"""The code system's side: the feed after a sequence, acknowledgements, a day's file and balance.

Everything reads through ``restrict``: an account of a city sees its residents' instructions, a
county's only its own. A malformed ``after`` or ``day`` is a 400 naming the parameter; an
acknowledgement of what does not exist or is not visible is reported, never an error.
"""

import datetime

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from pingji.core import clock
from pingji.core.api.base import ScopedReadOnlyViewSet, StepActionsMixin

from ..actions.acks import do_ack_instructions, parse_sequences
from ..actions.instructions import do_build_feed
from ..feed import as_feed, balance, day_file
from ..models import Instruction

PAGE, MAX_PAGE = 1000, 5000


def _int(request, name: str, default: int, top: int) -> int:
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    if not text.isdigit() or len(text) > 18:
        raise ValidationError({name: "a whole number"})
    return min(int(text), top)


def _day(request) -> datetime.date:
    return _day_of(request.query_params.get("day"))


def _day_of(text) -> datetime.date:
    if not text:
        return clock.today()
    try:
        return datetime.date.fromisoformat(str(text))
    except ValueError:
        raise ValidationError({"day": "a date as YYYY-MM-DD"}) from None


@extend_schema(responses=dict)
class InstructionViewSet(StepActionsMixin, ScopedReadOnlyViewSet):
    """The feed the code system pulls: ``?after=<sequence>`` in sequence order (``results``,
    and ``last``, the sequence to ask after next); ``ack`` acknowledges sequences, ``export``
    gives a day's file, ``balance`` a day's instructions sent against acknowledged, and ``build``
    (POST ``day``, ``code``: the caller's own area by default) issues what a day's events imply
    and is not issued yet."""

    queryset = Instruction.objects.all()
    step_actions = ("ack", "build")

    def list(self, request):
        after = _int(request, "after", 0, 10**18)
        limit = _int(request, "limit", PAGE, MAX_PAGE) or PAGE
        rows = self.get_queryset().filter(sequence__gt=after).order_by("sequence")[:limit]
        page = [as_feed(r) for r in rows]
        last = page[-1]["sequence"] if page else after
        return Response({"after": after, "last": last, "results": page})

    def retrieve(self, request, pk=None):
        return Response(as_feed(self.get_object()))

    @action(detail=False, methods=["post"])
    def ack(self, request):
        good, bad = parse_sequences(request.data.get("sequences", request.data.get("sequence")))
        report = do_ack_instructions(good, actor=request.user)
        return Response(report | {"unreadable": bad})

    @action(detail=False, methods=["get"])
    def export(self, request):
        day = _day(request)
        response = HttpResponse(day_file(self.get_queryset(), day), content_type="text/csv")
        response["Content-Type"] = "text/csv; charset=utf-8"
        response["Content-Disposition"] = f'attachment; filename="code-instructions-{day}.csv"'
        return response

    @action(detail=False, methods=["get"])
    def balance(self, request):
        return Response(balance(self.get_queryset(), _day(request)))

    @action(detail=False, methods=["post"])
    def build(self, request):
        day = _day_of(request.data.get("day"))
        code = str(request.data.get("code") or request.user.jurisdiction_id or "")
        issued = do_build_feed(day, code, actor=request.user)
        return Response({"day": day.isoformat(), "code": code, "issued": issued})

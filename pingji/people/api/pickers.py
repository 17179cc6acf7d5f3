"""``GET /api/people/pick/<picker>/?q=…``: the type-ahead behind every picker (``core.pickers``).

Answers ``{"results": [{"id", "label"}], "more": bool}``: at most ``core.pickers.LIMIT`` rows the
caller may see, nothing paginated — a user who needs another row types more. Every refusal is a
400 with ``detail``: an empty, overlong or malformed query, and anything shaped like an identity
number or a phone, which answers with the address of the blind search (``search``) instead:
identifiers are looked up only there, by POST, with a reason, rate-limited and recorded
(decision 0031).
"""

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from pingji.core import pickers
from pingji.core.context import bind


class PickView(APIView):
    """Rows of one picker matching what was typed, each with a label that tells namesakes apart.

    ``within`` (a jurisdiction code) narrows inside the caller's area; a picker may take its own
    narrowing (``kind`` for places, ``site`` for rooms). Identity numbers and phones are refused
    here: look them up with ``POST /api/people/persons/search/``.
    """

    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        bind(request.user, getattr(request._request, "request_id", None))

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="What was typed (1–50 chars)."),
            OpenApiParameter("within", OpenApiTypes.STR, required=False),
        ],
        responses={200: dict, 400: dict},
    )
    def get(self, request, source: str):
        picker = pickers.source(source)
        if picker is None:
            raise exceptions.NotFound()
        params = request.query_params
        try:
            query = pickers.clean_query(params.get("q"))
            found = pickers.pick(picker, request.user, query, params)
        except ValidationError as exc:
            return Response(self.refusal(exc), status=400)
        response = Response({"results": found.results, "more": found.more})
        response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def refusal(exc: ValidationError) -> dict:
        body: dict = {"detail": " ".join(exc.messages)}
        if getattr(exc, "code", None) == pickers.IDENTIFIER:
            body["search"] = {
                "page": reverse("people:person_search"),
                "api": reverse("person-search"),
                "method": "POST",
            }
        return body

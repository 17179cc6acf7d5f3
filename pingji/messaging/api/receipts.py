"""``POST /api/messaging/receipts/<gateway>/``: what an SMS or IM gateway tells us afterwards.

No login: the gateway signs the raw body with the secret configured for it
(``MESSAGING_GATEWAYS[<gateway>]["secret"]``), hex HMAC-SHA256 in the ``X-Pingji-Signature``
header; a gateway without a secret, or a bad signature, is answered 403 and nothing is read.
The body is one object or a list of them::

    {"id": "<receipt id or message id>", "status": "delivered" | "undelivered", "error": "…"}
    {"type": "inbound", "from": "13800138000", "text": "TD"}

The answer counts what was applied and lists the ids it did not know (``unknown``) or whose
status word it did not understand (``invalid``): a gateway's mistake is reported back to it,
never an error of ours (500).
"""

import hashlib
import hmac
import json

from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import gateways
from ..actions.receipts import apply_inbound, apply_receipt

SIGNATURE_HEADER = "X-Pingji-Signature"


def signature(secret: str, body: bytes) -> str:
    """The signature a gateway sends with ``body``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _signed(request, gateway: str) -> bool:
    secret = gateways.secret_of(gateway)
    given = request.headers.get(SIGNATURE_HEADER, "")
    return bool(secret) and hmac.compare_digest(signature(secret, request.body), given)


@csrf_exempt
@require_POST
def receipts(request, gateway: str):
    if not _signed(request, gateway):
        return HttpResponseForbidden("bad or missing signature")
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return JsonResponse({"error": "the body is not JSON"}, status=400)
    items = body if isinstance(body, list) else [body]
    answer: dict = {"updated": 0, "unchanged": 0, "opted_out": 0, "unknown": [], "invalid": []}
    for item in items:
        if not isinstance(item, dict):
            answer["invalid"].append(repr(item)[:60])
            continue
        if item.get("type") == "inbound":
            answer["opted_out"] += apply_inbound(
                str(item.get("from", "")), str(item.get("text", ""))
            )
            continue
        ref = str(item.get("id", ""))
        outcome = apply_receipt(
            gateway, ref, str(item.get("status", "")), str(item.get("error", ""))
        )
        if outcome in ("unknown", "invalid"):
            answer[outcome].append(ref)
        else:
            answer[outcome] += 1
    return JsonResponse(answer)

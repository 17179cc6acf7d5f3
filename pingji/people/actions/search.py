"""Blind search of a person by identity number or phone, without a yes/no oracle (decision 0031).

An exact-match filter on a GET answers "is this number registered?" for free, unlogged, and puts
the number in URLs (access logs, browser history, Referer). Here a search is a POST with a reason,
answers only from the caller's scope — "no one in your area" whether the number is registered
elsewhere or nowhere — is rate-limited per user, and is recorded like a reveal: who, why, how many
hits, and which kind of identifier, never the value nor its keyed hash.

Every role that may view persons searches under the same rules; the reveal permission adds
nothing here (a search answers masked rows, not plain values).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import scope_code
from pingji.core.actions import error
from pingji.core.events import record_event
from pingji.core.messages import message

from ..contracts import IDENTITY_SEARCHED
from ..identity import normalize_id_number, normalize_phone
from ..limits import spend_attempt
from ..models import Person
from .persons import normalised
from .reveal import checked_reason

KINDS = {"id_number": normalize_id_number, "phone": normalize_phone}
#: What a search was by, in the words its event is read in.
SEARCHED_BY = {
    "id_number": message(gettext_noop("identity number")),
    "phone": message(gettext_noop("phone")),
}


def _term(id_number: str | None, phone: str | None) -> tuple[str, str]:
    given = {k: v for k, v in (("id_number", id_number), ("phone", phone)) if v and v.strip()}
    if len(given) != 1:
        raise error(
            "id_number", _("Give either an identity number or a phone, not both."), "required"
        )
    ((kind, value),) = given.items()
    if len(value) > 40:
        raise error(kind, _("That is far too long for an identity number or a phone."))
    return kind, normalised(kind, value, KINDS[kind])


def do_search_identity(
    *, actor, reason: str, id_number: str | None = None, phone: str | None = None
) -> list[Person]:
    """The persons in the actor's area holding this identity number or phone (masked rows).

    Order of checks: permission, rate (every attempt counts, so malformed probes are not free),
    then the input; a refusal writes nothing but the rate-limit record.
    """
    if not actor.has_perm("people.view_person"):
        raise PermissionDenied(_("Your role may not search for persons."))
    spend_attempt(actor, "search")
    kind, value = _term(id_number, phone)
    reason = checked_reason(reason, _("Say why you are searching for this person."))
    visible = Person.objects.restrict(actor, "view")
    found = visible.with_id_number(value) if kind == "id_number" else visible.with_phone(value)
    persons = list(found.select_related("jurisdiction", "household")[:50])
    with transaction.atomic():
        record_event(
            IDENTITY_SEARCHED,
            message(
                gettext_noop("Identity search (%(kind)s), %(n)d found in the area: %(reason)s"),
                {"kind": SEARCHED_BY[kind], "n": len(persons), "reason": reason},
            ),
            jurisdiction_code=scope_code(actor) or "",
            actor=actor,
            payload={"kind": kind, "hits": len(persons), "reason": reason},
        )
    return persons

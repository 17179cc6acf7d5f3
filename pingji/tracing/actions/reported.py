"""A contact living in another county, known only by particulars (decision 0042).

The sender (``do_report_contact``) records what the investigator was told and dispatches it to
the county where the person is believed to live, without looking anyone up: the answer, its
messages and its work are the same whether that person is registered there, elsewhere or
nowhere, so nothing tells the sender (decision 0031). The receiving county
(``do_resolve_dispatch``, ``do_register_and_resolve``) names the resident the particulars
describe — matching them against its own residents (``candidates``) — or registers them; only
then may it record the person located or controlled (``dispatch_answers``).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import aware, conflict, error, locked, record_on
from pingji.core.messages import message
from pingji.geo.models import Jurisdiction
from pingji.people.actions.persons import do_create_person, normalised
from pingji.people.identity import normalize_id_number, normalize_phone
from pingji.people.models import Person

from ..choices import ContactTier
from ..contracts import CONTACT_REPORTED, DISPATCH_RESOLVED
from ..models import Dispatch, Investigation, ReportedContact
from .contacts import contact_problems, dispatch_reason
from .dispatch import (
    COUNTY_DIGITS,
    check_dispatch,
    may_dispatch,
    plan_dispatch,
    resolve_target,
    send_planned,
)
from .investigations import investigation_name, locked_investigation

NAME_MAX = 60
ADDRESS_MAX = 300
#: Residents of the receiving county offered as the person the particulars describe.
CANDIDATES = 10


def _particulars(name: str, id_number: str, phone: str, address: str) -> dict:
    """The particulars cleaned, or the refusal naming the field; nothing is looked up."""
    name = (name or "").strip()
    if not name:
        raise error("name", _("Give the contact's name."), "required")
    if len(name) > NAME_MAX:
        raise error("name", _("A name has at most %(n)d characters.") % {"n": NAME_MAX})
    number = normalised("id_number", id_number, normalize_id_number)
    mobile = normalised("phone", phone, normalize_phone)
    address = (address or "").strip()[:ADDRESS_MAX]
    if not (number or mobile or address):
        raise error(
            "id_number",
            _(
                "Give an identity number, a phone or an address: the receiving county needs one "
                "of them to find the person."
            ),
            "required",
        )
    return {"name": name, "id_number": number, "phone": mobile, "address": address}


def _receiving_county(investigation: Investigation, to_region: str) -> Jurisdiction:
    """The county of this province the contact is believed to live in (not the sender's own)."""
    county, region = resolve_target(None, to_region)
    if county is None:
        raise error(
            "to_region",
            _(
                "Give a county of this province: a contact in another province is handed over "
                "by the out-of-province list."
            ),
        )
    if region == investigation.jurisdiction_id[:COUNTY_DIGITS]:
        raise error(
            "to_region",
            _("This is your own county: choose the person among your residents instead."),
            "own",
        )
    return county


def do_report_contact(
    investigation: Investigation,
    *,
    actor,
    name: str,
    to_region: str,
    tier: str,
    setting: str,
    last_exposure_at: datetime.datetime,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    note: str = "",
) -> Dispatch:
    """Record a contact living in ``to_region`` by particulars and dispatch it there at once.

    Every check reads only what the sender owns (its investigation, its case, the input, the
    province's counties), so the answer cannot depend on who is registered where. Refused as a
    contact is (tier, look-back, setting), without a name, without a way to find the person, for
    the sender's own county, or for the case itself.
    """
    if not (actor.has_perm("tracing.add_contact") and may_dispatch(actor)):
        raise PermissionDenied(_("Your role cannot add and dispatch contacts."))
    ensure_allowed(actor, investigation, "view")
    given = _particulars(name, id_number, phone, address)
    problems = contact_problems(
        investigation,
        person_id=None,
        tier=tier,
        setting=setting,
        last_exposure_at=last_exposure_at,
    )
    if problems:
        raise error(*problems[0])
    _receiving_county(investigation, to_region)
    with transaction.atomic():
        investigation = locked_investigation(investigation, actor, "view")
        reported = _save_reported(
            investigation, actor, given, tier, setting, last_exposure_at, note
        )
        target = check_dispatch(
            None,
            to_jurisdiction=None,
            to_region=to_region,
            # a reported contact has what the reason reads of a contact: tier and investigation
            reason=dispatch_reason(reported),  # type: ignore[arg-type]
            source=reported,
            actor=actor,
            at=None,
        )
        dispatch = plan_dispatch(None, target, source=reported, actor=actor, last_exposure_at=None)
        dispatch.reported = reported
        send_planned(dispatch, reported.name, target, actor=actor)
        _record_reported(investigation, reported, dispatch, actor)
    return dispatch


def _save_reported(investigation, actor, given: dict, tier, setting, last_exposure_at, note):
    reported = ReportedContact(
        investigation=investigation,
        jurisdiction_id=investigation.jurisdiction_id,
        name=given["name"],
        address=given["address"],
        tier=tier,
        setting=setting,
        last_exposure_at=aware(last_exposure_at),
        note=(note or "").strip()[:500],
        reported_by=actor if getattr(actor, "pk", None) else None,
    )
    reported.set_id_number(given["id_number"])
    reported.set_phone(given["phone"])
    case_hash = investigation.case.person.id_number_hash
    if reported.id_number_hash and reported.id_number_hash == case_hash:
        raise error("id_number", _("The case is not a contact of itself."), "self")
    reported.save()
    ensure_allowed(actor, reported, "add")
    return reported


def _record_reported(investigation, reported: ReportedContact, dispatch: Dispatch, actor) -> None:
    """The investigation's timeline says a contact was reported and where it was sent."""
    record_on(
        investigation,
        CONTACT_REPORTED,
        message(
            gettext_noop("%(inv)s: %(name)s reported as %(tier)s living in %(county)s"),
            {
                "inv": investigation_name(investigation),
                "name": reported.name,
                "tier": ContactTier(reported.tier).label,
                "county": dispatch.to_region_name or dispatch.to_region,
            },
        ),
        actor=actor,
        payload={
            "dispatch": dispatch.pk,
            "tier": reported.tier,
            "setting": reported.setting,
            "to_region": dispatch.to_region,
            "last_exposure_at": reported.last_exposure_at.isoformat(),
        },
    )


# --- the receiving county ----------------------------------------------------------------------


def residents_of(dispatch: Dispatch, actor):
    """Whom the actor may name for this dispatch: the receiving county's residents it sees."""
    return Person.objects.restrict(actor, "view").subtree(dispatch.jurisdiction_id)


def candidates(dispatch: Dispatch, actor) -> list[Person]:
    """Residents of the receiving county the particulars may describe: the same identity number
    first, then the same phone, then the same name. For the receiver only; never the sender."""
    reported = dispatch.reported
    if reported is None or not dispatch.seen_by_receiver(actor):
        return []
    rows = residents_of(dispatch, actor).select_related("jurisdiction")
    found: dict[int, Person] = {}
    for lookup, value in (
        ("id_number_hash", reported.id_number_hash),
        ("phone_hash", reported.phone_hash),
        ("name", reported.name),
    ):
        if value:
            for person in rows.filter(**{lookup: value})[:CANDIDATES]:
                found.setdefault(person.pk, person)
    return list(found.values())[:CANDIDATES]


def _locked_unresolved(dispatch: Dispatch, actor) -> Dispatch:
    if not actor.has_perm("tracing.respond_dispatch"):
        raise PermissionDenied(_("Your role cannot answer dispatches."))
    fresh = locked(
        dispatch, actor, "respond", outside=_("Only the receiving county works this dispatch.")
    )
    if not fresh.is_open:
        raise conflict("status", _("This dispatch is closed."), "closed")
    if not fresh.awaits_resolution:
        raise conflict("person", _("This dispatch already names its person."), "done")
    return fresh


def _resolve(dispatch: Dispatch, person: Person, actor, how: str) -> Dispatch:
    dispatch.person = person
    dispatch.handled_by = actor
    dispatch.save(update_fields=["person", "handled_by"])
    record_on(
        dispatch,
        DISPATCH_RESOLVED,
        message(
            gettext_noop("Dispatch %(number)s: the contact is %(name)s"),
            {"number": dispatch.pk, "name": person.name},
        ),
        actor=actor,
        payload={"how": how},
    )
    return dispatch


def do_resolve_dispatch(dispatch: Dispatch, *, actor, person: Person) -> Dispatch:
    """The receiving county names the resident a reported contact is."""
    with transaction.atomic():
        dispatch = _locked_unresolved(dispatch, actor)
        if not residents_of(dispatch, actor).filter(pk=person.pk).exists():
            raise error("person", _("No such person in the receiving county."))
        return _resolve(dispatch, person, actor, "matched")


def do_register_and_resolve(
    dispatch: Dispatch, *, actor, grid: Jurisdiction, name: str = ""
) -> Dispatch:
    """The receiving county registers the contact in one of its grids, from the particulars the
    sender gave (the identity number and phone never pass through a page), and names them."""
    with transaction.atomic():
        dispatch = _locked_unresolved(dispatch, actor)
        if not grid.code.startswith(dispatch.jurisdiction_id):
            raise error("grid", _("Choose a grid of the receiving county."))
        reported = dispatch.reported
        assert reported is not None  # _locked_unresolved: a reported dispatch
        plain = reported.plain()
        person = do_create_person(
            actor=actor,
            name=(name or "").strip() or reported.name,
            jurisdiction=grid,
            id_number=plain["id_number"],
            phone=plain["phone"],
        )
        return _resolve(dispatch, person, actor, "registered")

"""Campaigns, rounds and sampling points: the frame every upload of a round is checked against.

Every figure comes from the protocol in force for the campaign's jurisdiction on the round's
start (``protocols.rules.mass_testing``, ``pooling``, ``dispatch``) and is copied onto the round
with its clause, so a round keeps the rules it was opened under when the protocol changes. The
round's target residents are frozen in the analytic store when it opens (``store``).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pingji.core.access import ensure_allowed
from pingji.core.actions import conflict, error, record_on
from pingji.core.messages import message
from pingji.geo.choices import PlaceKind
from pingji.geo.models import Jurisdiction
from pingji.protocols import rules as protocol_rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for

from .. import evidence, store
from ..choices import PoolingMode, PoolingSetting, RoundStatus, TestingScope
from ..contracts import CAMPAIGN_CREATED, POINT_ADDED, ROUND_CLOSED, ROUND_OPENED
from ..models import Campaign, Round, SamplingPoint

#: Settings the editions name differently: the 8th-edition "sealed area" is the 9th's high-risk.
SAME_SETTING: dict[str, str] = {
    PoolingSetting.SEALED_AREA: PoolingSetting.HIGH_RISK_AREA,
    PoolingSetting.HIGH_RISK_AREA: PoolingSetting.SEALED_AREA,
}


def do_create_campaign(
    *,
    actor,
    name: str,
    jurisdiction: Jurisdiction,
    areas=(),
    places=(),
    setting: str = PoolingSetting.GENERAL,
    scope: str = TestingScope.CITY,
) -> Campaign:
    """A campaign over jurisdictions and/or places, all inside the running jurisdiction."""
    name = (name or "").strip()
    if not name:
        raise error("name", _("Give the campaign a name."), "required")
    if not areas and not places:
        raise error("areas", _("Choose the jurisdictions or places to test."), "required")
    for area in areas:
        if not area.code.startswith(jurisdiction.code):
            raise error("areas", _("%(a)s is outside %(j)s.") % {"a": area, "j": jurisdiction})
    for place in places:
        if not place.jurisdiction_id.startswith(jurisdiction.code):
            raise error("places", _("%(a)s is outside %(j)s.") % {"a": place, "j": jurisdiction})
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            jurisdiction=jurisdiction,
            setting=setting,
            scope=scope,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        campaign.areas.set(areas)
        campaign.places.set(places)
        record_on(
            campaign,
            CAMPAIGN_CREATED,
            message(gettext_noop("Testing campaign created: %(n)s"), {"n": name}),
            actor=actor,
        )
        ensure_allowed(actor, campaign, "add")
    return campaign


def pooling_rule(protocol, setting: str) -> protocol_rules.PoolingRule:
    """The protocol's pooling rule for a setting (its other name, or "elsewhere", if unnamed)."""
    rules = protocol_rules.pooling(protocol)
    if not rules.applies:
        return protocol_rules.PoolingRule(PoolingMode.SINGLE, ())
    for key in (setting, SAME_SETTING.get(setting), PoolingSetting.GENERAL):
        rule = rules.for_setting(key) if key else None
        if rule is not None:
            return rule
    return protocol_rules.PoolingRule(PoolingMode.SINGLE, ())


def deadline_hours(protocol, campaign: Campaign, population: int) -> int:
    """Hours the protocol allows for a round (a delineated area 24 h; a city 48 h up to 5 M
    people, 72 h above). An edition that sets only city bands applies them to any area."""
    testing = protocol_rules.mass_testing(protocol)
    if not testing.applies:
        raise error(
            "starts_at",
            _("The protocol in force (%(p)s) no longer organises mass testing.") % {"p": protocol},
        )
    hours = testing.deadline_hours(population, campaign.scope)
    if hours is None:
        for scope in TestingScope.values:
            hours = hours or testing.deadline_hours(population, scope)
    if hours is None:
        raise error("starts_at", _("The protocol in force sets no deadline for mass testing."))
    return hours


def _target_rows(campaign: Campaign) -> dict[str, list]:
    codes = [a.code for a in campaign.areas.all()]
    places = list(campaign.places.values_list("pk", flat=True))
    rows: dict[str, list] = {k: [] for k in ("person_id", "grid", "place_id", "household_id")}
    rows["id_hash"] = []
    people = evidence.residents(codes, places).values_list(
        "pk",
        "jurisdiction_id",
        "household_id",
        "household__place_id",
        "household__place__parent_id",
        "household__place__kind",
        "id_number_hash",
    )
    for pk, grid, household, place, parent, kind, id_hash in people.iterator(chunk_size=5000):
        rows["person_id"].append(pk)
        rows["grid"].append(grid)
        rows["household_id"].append(household)
        rows["place_id"].append(parent if kind == PlaceKind.BUILDING and parent else place)
        rows["id_hash"].append(id_hash)
    return rows


def do_open_round(
    campaign: Campaign, *, actor, starts_at: datetime.datetime, ratio: int | None = None
) -> Round:
    """Open the next round: protocol deadline and pooling, frozen target residents."""
    ensure_allowed(actor, campaign, "change")
    try:
        protocol = protocol_for(campaign.jurisdiction, starts_at)
    except NoProtocolInForce as exc:
        raise error("starts_at", str(exc)) from exc
    rule = pooling_rule(protocol, campaign.setting)
    if rule.mode == PoolingMode.POOLED:
        allowed = sorted(rule.ratios) or [1]
        if ratio is None:
            ratio = allowed[-1]
        elif ratio not in allowed:
            raise error(
                "ratio",
                _("The protocol allows %(r)s samples per tube here.")
                % {"r": ", ".join(map(str, allowed))},
            )
    else:
        ratio = 1
    rows = _target_rows(campaign)
    population = campaign.jurisdiction.population or len(rows["person_id"])
    hours = deadline_hours(protocol, campaign, population)
    with transaction.atomic():
        last = campaign.rounds.select_for_update().order_by("-number").first()
        if last is not None and last.status == RoundStatus.OPEN:
            raise error("starts_at", _("Round %(n)s is still open.") % {"n": last.number})
        testing = protocol_rules.mass_testing(protocol)
        pooling = protocol_rules.pooling(protocol)
        row = Round.objects.create(
            campaign=campaign,
            jurisdiction=campaign.jurisdiction,
            number=(last.number + 1) if last else 1,
            protocol=protocol,
            starts_at=starts_at,
            deadline=starts_at + datetime.timedelta(hours=hours),
            deadline_clause=testing.clause[:300],
            target=len(rows["person_id"]),
            pool_mode=rule.mode,
            pool_ratio=ratio,
            pooling_clause=pooling.clause[:300],
        )
        record_on(
            row,
            ROUND_OPENED,
            message(
                gettext_noop("Round %(n)s of %(c)s opened: %(t)s residents, due in %(h)s h"),
                {"n": row.number, "c": campaign, "t": row.target, "h": hours},
            ),
            actor=actor,
            payload={"protocol": protocol.code, "deadline": row.deadline.isoformat()},
        )
        ensure_allowed(actor, row, "add")
        # Last step of the transaction: a failure before it leaves no snapshot behind.
        store.snapshot_targets(row.pk, timezone.localtime(starts_at).date(), rows)
    return row


def do_add_sampling_point(
    round: Round,
    *,
    actor,
    name: str,
    jurisdiction: Jurisdiction,
    opens,
    closes,
    staff: int = 0,
    place=None,
) -> SamplingPoint:
    """A sampling point of a round, inside the round's area, open for a positive span."""
    if not (name or "").strip():
        raise error("name", _("Name the sampling point."), "required")
    if not jurisdiction.code.startswith(round.jurisdiction_id):
        raise error("jurisdiction", _("The point lies outside the round's area."))
    if closes <= opens:
        raise error("closes", _("A point closes after it opens."))
    with transaction.atomic():
        point = SamplingPoint.objects.create(
            round=round,
            jurisdiction=jurisdiction,
            name=name.strip(),
            place=place,
            staff=staff,
            opens=opens,
            closes=closes,
        )
        record_on(
            point,
            POINT_ADDED,
            message(gettext_noop("Sampling point %(n)s added"), {"n": point.name}),
            actor=actor,
        )
        ensure_allowed(actor, point, "add")
    return point


def do_close_round(round: Round, *, actor) -> Round:
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        ensure_allowed(actor, round, "change")
        if round.status == RoundStatus.CLOSED:
            raise conflict("status", _("This round is already closed."))
        round.status = RoundStatus.CLOSED
        round.save(update_fields=["status"])
        record_on(
            round,
            ROUND_CLOSED,
            message(gettext_noop("Round %(n)s closed"), {"n": round.number}),
            actor=actor,
        )
    return round

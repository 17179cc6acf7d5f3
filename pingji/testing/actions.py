"""Testing writes: campaigns, rounds, sampling points, uploads, retests — one transaction each.

Every figure comes from the protocol in force for the campaign's jurisdiction on the round's
start (``protocols.rules.mass_testing``, ``pooling``, ``dispatch``) and is copied onto the round
with its clause. Files are checked and stored by a background job (``jobs.ingest_upload``);
``do_apply_upload`` then records, in one transaction, what the file changed in the ORM: the
upload's state, the coverage of the round, and the positive tubes with a follow-up work item per
member in the member's grid.
"""

import datetime
import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.core import uploads
from pingji.core.access import ensure_allowed
from pingji.core.events import record_event
from pingji.core.jobs import enqueue
from pingji.geo.choices import CODE_LENGTH, PlaceKind
from pingji.geo.models import Jurisdiction
from pingji.protocols import rules as protocol_rules
from pingji.protocols.versions import NoProtocolInForce, protocol_for
from pingji.tasks.actions import do_close_rule_tasks, do_issue_rule_task

from . import evidence, store
from .choices import (
    FollowUpStatus,
    PoolingMode,
    PoolingSetting,
    RoundStatus,
    TestingScope,
    TubeResult,
    UploadKind,
    UploadStatus,
)
from .models import Campaign, Coverage, FollowUp, PositiveTube, Round, SamplingPoint, Upload

#: Settings the editions name differently: the 8th-edition "sealed area" is the 9th's high-risk.
SAME_SETTING: dict[str, str] = {
    PoolingSetting.SEALED_AREA: PoolingSetting.HIGH_RISK_AREA,
    PoolingSetting.HIGH_RISK_AREA: PoolingSetting.SEALED_AREA,
}
#: A sampling file of a city round is a few hundred MB at most; more is a mistake, not data.
#: The platform's ``PINGJI_MAX_UPLOAD_BYTES`` (50 MB by default) applies first: a deployment that
#: runs city rounds raises it (pingji/core/uploads.py).
MAX_UPLOAD_BYTES = 512 * 1024 * 1024


def _error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _event(kind: str, summary: str, obj, actor, **payload) -> None:
    record_event(
        f"testing.{kind}",
        summary,
        jurisdiction_code=obj.jurisdiction_id,
        subject=obj,
        payload=payload,
        actor=actor,
    )


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
        raise _error("name", _("Give the campaign a name."), "required")
    if not areas and not places:
        raise _error("areas", _("Choose the jurisdictions or places to test."), "required")
    for area in areas:
        if not area.code.startswith(jurisdiction.code):
            raise _error("areas", _("%(a)s is outside %(j)s.") % {"a": area, "j": jurisdiction})
    for place in places:
        if not place.jurisdiction_id.startswith(jurisdiction.code):
            raise _error("places", _("%(a)s is outside %(j)s.") % {"a": place, "j": jurisdiction})
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
        _event(
            "campaign_created", _("Testing campaign created: %(n)s") % {"n": name}, campaign, actor
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
        raise _error(
            "starts_at",
            _("The protocol in force (%(p)s) no longer organises mass testing.") % {"p": protocol},
        )
    hours = testing.deadline_hours(population, campaign.scope)
    if hours is None:
        for scope in TestingScope.values:
            hours = hours or testing.deadline_hours(population, scope)
    if hours is None:
        raise _error("starts_at", _("The protocol in force sets no deadline for mass testing."))
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
        raise _error("starts_at", str(exc)) from exc
    rule = pooling_rule(protocol, campaign.setting)
    if rule.mode == PoolingMode.POOLED:
        allowed = sorted(rule.ratios) or [1]
        if ratio is None:
            ratio = allowed[-1]
        elif ratio not in allowed:
            raise _error(
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
            raise _error("starts_at", _("Round %(n)s is still open.") % {"n": last.number})
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
        _event(
            "round_opened",
            _("Round %(n)s of %(c)s opened: %(t)s residents, due in %(h)s h")
            % {"n": row.number, "c": campaign, "t": row.target, "h": hours},
            row,
            actor,
            protocol=protocol.code,
            deadline=row.deadline.isoformat(),
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
        raise _error("name", _("Name the sampling point."), "required")
    if not jurisdiction.code.startswith(round.jurisdiction_id):
        raise _error("jurisdiction", _("The point lies outside the round's area."))
    if closes <= opens:
        raise _error("closes", _("A point closes after it opens."))
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
        _event("point_added", _("Sampling point %(n)s added") % {"n": point.name}, point, actor)
        ensure_allowed(actor, point, "add")
    return point


def do_upload(round: Round, *, actor, kind: str, name: str, content) -> tuple[Upload, bool]:
    """Queue a sampling or results file; the same file again returns the earlier upload.

    ``content``: the uploaded file (or its bytes), streamed to an encrypted store that the job
    deletes when it ends (pingji/core/uploads.py). Returns (upload, created). Nothing is applied
    here: the ``testing.ingest`` job checks the whole file and applies it, or refuses it with a
    per-row report.
    """
    ensure_allowed(actor, round, "view")
    if kind not in UploadKind.values:
        raise _error("kind", _("Choose sampling or results."))
    if round.status != RoundStatus.OPEN:
        raise _error("file", _("This round is closed."))
    if not content or not getattr(content, "size", 1):
        raise _error("file", _("The file is empty."), "required")
    suffix = ".parquet" if name.lower().endswith(".parquet") else ".csv"
    stored = uploads.store(content, suffix=suffix, kind_limit=MAX_UPLOAD_BYTES)
    try:
        upload, created = _queue(round, actor, kind, name, stored)
    except BaseException:
        uploads.discard(stored.name)
        raise
    if not created:
        uploads.discard(stored.name)
    return upload, created


def _queue(round: Round, actor, kind: str, name: str, stored: uploads.Stored):
    digest = stored.sha256
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round.pk).first()
        same = Upload.objects.filter(
            round=round,
            kind=kind,
            sha256=digest,
            status__in=[UploadStatus.QUEUED, UploadStatus.APPLIED],
        ).first()
        if same is not None:
            return same, False
        upload = Upload.objects.create(
            round=round,
            jurisdiction=round.jurisdiction,
            kind=kind,
            filename=Path(name).name[:255],
            path=stored.name,
            sha256=digest,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        upload.job = enqueue(
            "testing.ingest",
            {"upload": upload.pk},
            actor=actor,
            jurisdiction_code=round.jurisdiction_id,
        )
        upload.save(update_fields=["job"])
        ensure_allowed(actor, upload, "add")
    return upload, True


def do_refuse_upload(upload: Upload, *, errors: list[dict], error_count: int, status=None) -> None:
    """Record why a file was not applied (its rows stay out of every figure)."""
    with transaction.atomic():
        upload.status = status or UploadStatus.REFUSED
        upload.errors, upload.error_count = errors, error_count
        upload.save(update_fields=["status", "errors", "error_count"])
        _event(
            "upload_refused",
            _("%(f)s refused: %(n)s problems") % {"f": upload.filename, "n": error_count},
            upload,
            upload.created_by,
        )


def applied_ids() -> list[int]:
    return list(Upload.objects.filter(status=UploadStatus.APPLIED).values_list("pk", flat=True))


def _common_code(codes: list[str], fallback: str) -> str:
    """The lowest level of the tree containing every code (a jurisdiction's code)."""
    prefix = os.path.commonprefix(codes) if codes else ""
    length = max((n for n in CODE_LENGTH.values() if n <= len(prefix)), default=0)
    return prefix[:length] if length else fallback


def refresh_coverage(round: Round, con) -> None:
    """Rewrite the round's per-grid, per-compound summary from the analytic store."""
    now = timezone.now()
    Coverage.objects.filter(round=round).delete()
    Coverage.objects.bulk_create(
        [
            Coverage(
                round=round,
                jurisdiction_id=grid,
                place_id=place,
                target=t,
                sampled=s,
                resulted=r,
                positive=p,
                updated_at=now,
            )
            for grid, place, t, s, r, p in store.coverage(con)
        ],
        batch_size=2000,
    )
    sampled = sum(c.sampled for c in Coverage.objects.filter(round=round).only("sampled"))
    if round.completed_at is None and round.target and sampled >= round.target:
        round.completed_at = now
        round.save(update_fields=["completed_at"])


def _follow_up_deadline(round: Round, resulted_at: datetime.datetime) -> datetime.datetime:
    """The pooling rule says "immediately" (立即就地管控); the hours to have a pushed person
    under control (``dispatch.locate_and_control_hours``) bound it, else it is due at once."""
    hours = protocol_rules.dispatch(round.protocol).locate_and_control_hours
    return resulted_at + datetime.timedelta(hours=hours or 0)


def do_apply_upload(upload: Upload, rows: int) -> dict:
    """Mark a checked and stored file applied, then refresh coverage and open follow-ups."""
    actor = upload.created_by
    round = upload.round
    with transaction.atomic():
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        upload.status, upload.rows, upload.applied_at = UploadStatus.APPLIED, rows, timezone.now()
        upload.errors, upload.error_count = [], 0
        upload.save(update_fields=["status", "rows", "applied_at", "errors", "error_count"])
        con = store.open_round(round.pk, applied_ids())
        try:
            refresh_coverage(round, con)
            tubes = (
                store.positive_tubes(con, upload.pk) if upload.kind == UploadKind.RESULTS else []
            )
            members = store.tube_members(con, [t[0] for t in tubes]) if tubes else []
        finally:
            con.close()
        follow_ups = _open_follow_ups(round, upload, tubes, members, actor)
        _event(
            "upload_applied",
            _("%(f)s applied: %(n)s rows, %(p)s positive tubes")
            % {"f": upload.filename, "n": rows, "p": len(tubes)},
            upload,
            actor,
            rows=rows,
            positive_tubes=[t[0] for t in tubes],
        )
    return {"rows": rows, "positive_tubes": len(tubes), "follow_ups": follow_ups}


def _open_follow_ups(round, upload, tubes, members, actor) -> int:
    tz = timezone.get_current_timezone()
    by_tube: dict[str, list[tuple]] = {}
    for barcode, person, grid, sampled_at in members:
        by_tube.setdefault(barcode, []).append((person, grid, sampled_at))
    created = 0
    for barcode, resulted_at, size in tubes:
        people = by_tube.get(barcode, [])
        at = timezone.make_aware(resulted_at, tz)
        tube = PositiveTube.objects.create(
            round=round,
            barcode=barcode,
            size=size,
            resulted_at=at,
            upload=upload,
            jurisdiction_id=_common_code([g for _p, g, _s in people], round.jurisdiction_id),
        )
        _event(
            "tube_positive",
            _("Tube %(b)s positive: %(n)s people under control") % {"b": barcode, "n": size},
            tube,
            actor,
            round=round.pk,
        )
        single = size == 1
        for person, grid, sampled_at in people:
            follow = FollowUp.objects.create(
                tube=tube,
                person_id=person,
                jurisdiction_id=grid,
                sampled_at=timezone.make_aware(sampled_at, tz),
                status=FollowUpStatus.POSITIVE if single else FollowUpStatus.AWAITING_RETEST,
            )
            if not single:
                do_issue_rule_task(
                    follow,
                    actor=actor,
                    owner=Jurisdiction.objects.get(pk=grid),
                    kind="testing.retest",
                    title=_("Control and retest in a single tube: %(p)s (tube %(b)s)")
                    % {"p": follow.person, "b": barcode},
                    deadline=_follow_up_deadline(round, at),
                    description=protocol_rules.pooling(round.protocol).positive_pool_action,
                )
            created += 1
    return created


def do_record_retest(
    follow: FollowUp, *, actor, result: str, barcode: str = "", at=None
) -> FollowUp:
    """The single-tube retest of a pool member: negative closes the work item, positive asks
    for the case report (pre-filled from this row)."""
    if result not in (TubeResult.NEGATIVE, TubeResult.POSITIVE):
        raise _error("result", _("A retest is negative or positive."))
    with transaction.atomic():
        follow = FollowUp.objects.select_for_update().get(pk=follow.pk)
        ensure_allowed(actor, follow, "change")
        if follow.status != FollowUpStatus.AWAITING_RETEST:
            raise _error("result", _("This retest is already recorded."))
        follow.status = (
            FollowUpStatus.NEGATIVE if result == TubeResult.NEGATIVE else FollowUpStatus.POSITIVE
        )
        follow.retest_barcode = (barcode or "").strip().upper()[:32]
        follow.retest_at = at or timezone.now()
        follow.save(update_fields=["status", "retest_barcode", "retest_at"])
        _event(
            "retest_recorded",
            _("Retest of %(p)s: %(r)s") % {"p": follow.person, "r": follow.get_status_display()},
            follow,
            actor,
            result=result,
        )
        do_close_rule_tasks(follow, actor=actor, note=follow.get_status_display())
    return follow


def do_close_round(round: Round, *, actor) -> Round:
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        ensure_allowed(actor, round, "change")
        if round.status == RoundStatus.CLOSED:
            raise _error("status", _("This round is already closed."))
        round.status = RoundStatus.CLOSED
        round.save(update_fields=["status"])
        _event("round_closed", _("Round %(n)s closed") % {"n": round.number}, round, actor)
    return round

"""Prepare the demo province: real divisions, a synthetic population, accounts, the outbreak
replay, analytic data.

The real divisions and boundaries come from ``geo.loaders``, the communities, grids and places
below the townships from ``geo.synthetic``, the residents from ``people.synthetic``, the September
2021 outbreak from one step per domain (``replay``, ``steps``).

Everything up to the accounts is written in one transaction that ends with a ``demo.ready`` domain
event, so a load either completes or leaves nothing, and the event tells a later run to reuse it.
The Parquet dataset is derived from the database afterwards and rewritten whenever it is missing.
"""

import datetime
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pingji.cases.models import Case
from pingji.core import clock
from pingji.core.audit import loading
from pingji.core.events import record_event
from pingji.core.models import DomainEvent
from pingji.geo.choices import CODE_LENGTH, Level
from pingji.geo.loaders import load_boundaries, load_divisions
from pingji.geo.models import Jurisdiction
from pingji.geo.synthetic import generate_tree
from pingji.people.contracts import SYNTHETIC_POPULATION_LOADED
from pingji.people.models import Person
from pingji.people.synthetic import cells_for, load_population
from pingji.protocols.loading import load_national
from pingji.protocols.models import Disease, Protocol

from .accounts import create_demo_users, create_local_users
from .contracts import READY
from .replay import Replay, play

#: About 41,600 residents: ready in well under a minute on two cores (bench/demo.py measures it).
DEFAULT_SCALE = 0.001
#: 10 September 2021, the day the Putian outbreak was reported.
DEFAULT_SEED = 20210910
PERSONS_DATASET = "persons"
_EXPORT_BATCH = 200_000
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
#: The demo's now when it is first prepared: the morning of 20 September 2021, ten days into the
#: outbreak, when the 08:00 press conference gave its totals (docs/decisions/0030). The replay
#: records the outbreak up to it and nothing after: its last whole day is 19 September.
DEMO_NOW = datetime.datetime(2021, 9, 20, 8, 0, tzinfo=SHANGHAI)
#: When the demo's registry (divisions, places, households, residents) was recorded: the first
#: day of the outbreak data it ships (2021-08-01), well before the outbreak.
REGISTERED_AT = datetime.datetime(2021, 8, 1, 8, 0, tzinfo=SHANGHAI)
#: The earliest now a demo may have: the morning after the outbreak's first reported day.
EARLIEST_NOW = datetime.datetime(2021, 9, 11, 8, 0, tzinfo=SHANGHAI)


class DemoError(Exception):
    """The demo cannot be prepared as asked; the message says what to do."""


def ready_event() -> DomainEvent | None:
    return DomainEvent.objects.filter(kind=READY).order_by("-time", "-id").first()


def dataset_dir() -> Path:
    return Path(settings.ANALYTIC_DIR) / PERSONS_DATASET


def reset() -> None:
    """Empty every table (``flush``), load again what the migrations load (the disease packs and
    national protocol versions), and remove the demo's analytic dataset."""
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()  # flush recreates content types under new ids
    load_national(Protocol, Disease)
    shutil.rmtree(dataset_dir(), ignore_errors=True)


def prepare(
    *,
    scale: float | None,
    seed: int,
    fresh: bool = False,
    now: datetime.datetime | None = None,
    out=None,
) -> dict:
    """Migrate, then load the demo province unless a completed load is found; return its summary.

    ``scale`` None means "whatever exists, else the default". A different explicit scale than the
    existing load's is refused rather than silently ignored. ``now`` sets the demo's clock (a new
    load starts at ``DEMO_NOW``; a reused one keeps its clock unless told).
    """
    if scale is not None and not 0 < scale <= 1:
        raise DemoError(f"--scale must be above 0 and at most 1 (the whole province), not {scale}.")
    if now is not None and now < EARLIEST_NOW:
        raise DemoError(
            f"--now must be at or after {EARLIEST_NOW:%Y-%m-%d %H:%M} (+08:00), the morning after "
            "the outbreak's first reported day."
        )
    say = out.write if out is not None else (lambda _msg: None)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if fresh:
        reset()
    event = ready_event()
    if event is not None and now is not None and now < event.recorded_at:
        held = timezone.localtime(event.recorded_at, SHANGHAI)
        raise DemoError(
            f"This demo holds what was recorded up to {held:%Y-%m-%d %H:%M}: a now before that "
            "would show facts ahead of it. Run with --reset to replay the outbreak up to an "
            "earlier now."
        )
    if now is not None or event is None:
        clock.set_now(now or DEMO_NOW)
    if event is not None:
        done = dict(event.payload)
        if scale is not None and abs(scale - done["scale"]) > 1e-12:
            raise DemoError(
                f"The demo was prepared at scale {done['scale']}; run with --reset to rebuild it "
                f"at scale {scale}."
            )
        if not any(dataset_dir().glob("*.parquet")):
            export_persons()
        say(
            f"Reusing the demo province prepared at scale {done['scale']} "
            f"({done['persons']:,} residents)."
        )
        if now is not None:
            say(
                "Its clock is moved on; the outbreak's record is not extended (--reset replays "
                "it up to the new now)."
            )
        return {**done, "reused": True, "seconds": round(time.perf_counter() - started, 2)}
    if Jurisdiction.objects.filter(level=Level.COMMUNITY).exists():
        raise DemoError(
            "The database holds communities but no completed demo load; run with --reset to "
            "start over (it empties the database)."
        )
    summary = _load(scale if scale is not None else DEFAULT_SCALE, seed, say)
    step = time.perf_counter()
    export_persons()
    say(f"  analytic dataset ({time.perf_counter() - step:.1f} s): {dataset_dir()}")
    return {**summary, "reused": False, "seconds": round(time.perf_counter() - started, 2)}


def _load(scale: float, seed: int, say) -> dict:
    summary: dict = {"scale": scale, "seed": seed}

    def step(label: str, work):
        began = time.perf_counter()
        result = work()
        say(f"  {label} ({time.perf_counter() - began:.1f} s)")
        return result

    say(f"Preparing the demo province at scale {scale} (seed {seed})…")
    # a generated province: its bulk writes are logged per statement, not per row (core.audit)
    with transaction.atomic(), loading("the demo province"):
        with clock.pinned(REGISTERED_AT):
            summary.update(_registry(scale, seed, step))
        summary["users"] = step("demo accounts", create_demo_users)
        summary["replay"] = play(replay_until(clock.now(), scale, seed, say), step)
        summary["local_users"] = step(
            "accounts below the outbreak's counties",
            lambda: create_local_users(outbreak_counties()),
        )
        record_event(
            READY,
            _("Demo province ready at scale %(scale)s.") % summary,
            jurisdiction_code=_province_code(),
            payload=summary,
        )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics (else the planner guesses from none) and a visibility map, so counts
        # of a subtree are index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return summary


def _registry(scale: float, seed: int, step) -> dict:
    """Divisions, places, households and residents, recorded at ``REGISTERED_AT``: the registry
    was there before the outbreak, so a view or a scenario as of any of its days finds it."""
    step("divisions", load_divisions)
    step("boundaries", load_boundaries)
    made = step("communities, grids and places", lambda: generate_tree(scale=scale, seed=seed))
    grids = Jurisdiction.objects.filter(level=Level.GRID).order_by("code")
    cells = cells_for(grids.values_list("code", "population"), scale)
    made.update(step("households and residents", lambda: load_population(cells, seed=seed)))
    record_event(
        SYNTHETIC_POPULATION_LOADED,
        _("Synthetic population loaded: %(persons)d residents in %(households)d households.")
        % made,
        jurisdiction_code=_province_code(),
        payload={"scale": scale, "seed": seed, **{k: made[k] for k in ("persons", "households")}},
    )
    return made


def replay_until(now: datetime.datetime, scale: float, seed: int, say) -> Replay:
    """The replay of the outbreak as recorded by ``now``: every whole day before it, and the
    follow-ups of those days that happened before it (``Replay.until``)."""
    replay = Replay(scale=scale, seed=seed, say=say, until=now)
    last_whole_day = timezone.localtime(now, SHANGHAI).date() - datetime.timedelta(days=1)
    replay.end = min(replay.end, last_whole_day)
    return replay


def outbreak_counties() -> list[str]:
    """The counties where the replay reported a COVID-19 case."""
    grids = Case.objects.filter(disease="covid-19").values_list("jurisdiction_id", flat=True)
    return sorted({code[: CODE_LENGTH[Level.COUNTY]] for code in grids.distinct()})


def _province_code() -> str:
    return Jurisdiction.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)[0]


def export_persons() -> int:
    """Write residents as a Parquet dataset for the analytic engine: no identity data, only the
    person id (to join back), grid code, sex and birth year. Replaces any earlier dataset."""
    target = dataset_dir()
    staging = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    schema = pa.schema(
        [
            ("person_id", pa.int64()),
            ("grid_code", pa.string()),
            ("sex", pa.string()),
            ("birth_year", pa.int16()),
        ]
    )
    rows = Person.objects.order_by("id").values_list("id", "jurisdiction_id", "sex", "birth_date")
    batch: list[tuple[int, str, str, datetime.date | None]] = []  # id, grid, sex, birth date
    part, total = 0, 0

    def flush_part():
        nonlocal part, total
        ids, grids, sexes, births = zip(*batch, strict=True)
        table = pa.table(
            [
                pa.array(ids, pa.int64()),
                pa.array(grids, pa.string()),
                pa.array(sexes, pa.string()),
                pa.array([b.year if b else None for b in births], pa.int16()),
            ],
            schema=schema,
        )
        pq.write_table(table, staging / f"part-{part:05d}.parquet")
        part, total = part + 1, total + len(batch)
        batch.clear()

    for row in rows.iterator(chunk_size=20_000):
        batch.append(row)
        if len(batch) >= _EXPORT_BATCH:
            flush_part()
    if batch:
        flush_part()
    if part == 0:  # an empty dataset still has its schema
        pq.write_table(schema.empty_table(), staging / "part-00000.parquet")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return total


def start_job_runner() -> bool:
    """Start the in-process job runner if this build has one (``pingji.core.job_runner``)."""
    try:
        from pingji.core.job_runner import start_embedded_runner
    except ImportError:
        return False
    start_embedded_runner()
    return True

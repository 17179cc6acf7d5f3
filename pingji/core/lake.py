"""The analytic store: append-only Parquet datasets under ``settings.ANALYTIC_DIR``, read by DuckDB.

Why not the ORM (each fact has one store; decision 0012 for samples): venue check-ins and sample
results arrive by the million every day and are only ever appended and scanned, never edited one by
one. Columnar Parquet files compress them ten-fold and let DuckDB (embedded, no server) or a Spark
cluster scan only the columns and days a query needs; the same files serve both engines. What a
query finds goes back into the ORM as a work item, so the lake never holds something people edit.

Layout: ``ANALYTIC_DIR/<dataset>/day=YYYY-MM-DD/part-<uuid>.parquet`` (hive style, so both
engines see ``day`` as a column and a search can read only the days it needs). A file is written
under a hidden staging directory of the dataset and then renamed into place (``os.replace`` on the
same file system is atomic), so a reader never sees half a file.

Imports are idempotent (docs/decisions/0039): jobs are delivered at least once and a person runs
an import again when unsure, so the same import applied twice must store its rows once. Each
dataset has one writer at a time (``flock`` on ``<dataset>/.lock``) and a manifest
(``<dataset>/_manifest/``): one JSON entry per import key, listing the files that import added.
The writer checks the manifest first (a key already listed does nothing and answers its files)
and writes the entry last, once its files are in place; readers (``files``, hence ``scan`` and
``read``) take only listed files, so a half-done import is never read.

Listed files are never rewritten or deleted: an import is undone only by an administrator, on
purpose (its files and its entry together). What a writer killed mid-way left *is* deleted, by
the next writer under the lock (so only what dead writers left): its ``.staging-*`` folders and
the files it had placed but not yet listed (its ``.pending`` intent names them). A dataset
written before the manifest existed is read whole until its first new write, which lists every
file then present under the key ``legacy``.
"""

import contextlib
import datetime
import fcntl
import functools
import hashlib
import io
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from . import clock

PART_GLOB = "day=*/part-*.parquet"
#: Rows per file (and per row group): a bigger day is split into files written side by side.
FILE_ROWS = 1 << 20
#: In each dataset: the manifest's folder, the writers' lock, the prefix of what a writer stages.
MANIFEST, LOCK, STAGING = "_manifest", ".lock", ".staging-"
#: A complete import's entry, and the intent a writer leaves while it places files.
LISTED, PENDING = ".json", ".pending"
#: The key listing the files a dataset held when its manifest was started.
LEGACY = "legacy"


@dataclass(frozen=True)
class Entry:
    """One complete import of a dataset: its key, its files (relative to the dataset), its rows."""

    key: str
    files: tuple[str, ...]
    rows: int


def dataset_dir(name: str) -> Path:
    """The directory of dataset ``name`` (created on first use)."""
    if not name.isidentifier():
        raise ValueError(f"dataset names are plain identifiers, not {name!r}")
    path = Path(settings.ANALYTIC_DIR) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for analytic queries; close it when done.

    It is a cursor on this process's one in-memory database: opening a database costs about
    13 ms and a cursor a few microseconds, and the demo alone asks for hundreds. Each cursor keeps
    its own temporary tables, views and registered Arrow tables. ``threads`` (benchmarks of
    scaling) gets a database of its own, since the thread count is a setting of the database.
    """
    if threads:
        return _opened(duckdb.connect(config={"threads": threads}))
    return _database(os.getpid()).cursor()


@functools.cache
def _database(pid: int) -> duckdb.DuckDBPyConnection:
    """The process's database (keyed by process id: a forked worker must not share its parent's)."""
    return _opened(duckdb.connect())


def _opened(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """``unix_seconds(ts)`` is a macro because Spark SQL has that function built in and DuckDB calls
    it ``epoch``: with it, one SQL text runs on both engines (see epi.overlap)."""
    con.execute("CREATE MACRO unix_seconds(ts) AS CAST(epoch(ts) AS BIGINT)")
    return con


def files(name: str, days: Iterable[datetime.date] | None = None) -> list[Path]:
    """The data files of a dataset that its manifest lists, all or those of some days (sorted).

    The manifest is read before the directories: an entry is written after its files are in
    place, so every file it lists is found, and a file placed since is left for the next call.
    """
    root = dataset_dir(name)
    while True:
        listed = _listed(root)
        found = _present(root, days)
        if listed is not None:
            return [p for p in found if _relative(root, p) in listed]
        if not (root / MANIFEST).is_dir():
            return found  # never written since the manifest exists: every file is a legacy one
        # the first writer with a manifest started meanwhile: read again, through its manifest


def _present(root: Path, days: Iterable[datetime.date] | None) -> list[Path]:
    if days is None:
        return sorted(root.glob(PART_GLOB))
    found: list[Path] = []
    for day in sorted(set(days)):
        found.extend(sorted((root / f"day={day.isoformat()}").glob("part-*.parquet")))
    return found


def days(name: str) -> list[datetime.date]:
    """The days that have at least one listed file."""
    return sorted(
        {datetime.date.fromisoformat(p.parent.name.removeprefix("day=")) for p in files(name)}
    )


def imported(name: str, key: str) -> Entry | None:
    """The manifest entry of import ``key`` in dataset ``name``, if that import is complete."""
    return _entry(dataset_dir(name), key)


def append(name: str, table: pa.Table, *, key: str | None = None) -> list[Path]:
    """Append ``table`` to dataset ``name`` as the import ``key``, once; the files it added.

    ``key`` names the import: the content hash of the file the rows come from, with whatever
    else the rows carry that the file does not (an upload's id). Without one, the content hash of
    the rows themselves (``content_key``), which is stable only for rows in a stable order. A key
    already in the manifest writes nothing and answers the files that import added.

    New files go in the directory of each day of the ``day`` column (a date), ``FILE_ROWS`` rows
    at most per file. The partition column is not stored inside the files: the directory name
    carries it, as both DuckDB and Spark expect of hive partitions. Rows keep their order within a
    day, so a writer that sorts (the check-in store's) gets sorted files. Arrow's Parquet writer
    writes the files, one per core at a time: for 2 M check-ins in one day that took 0.14 s where
    ``pyarrow.dataset.write_dataset`` took 0.68 s, and Arrow had been 2.5 times faster than
    DuckDB's ``COPY`` at ten million rows (bench/testing.py).
    """
    root = dataset_dir(name)
    if table.num_rows == 0:
        return []
    key = key or content_key(table)
    done = _entry(root, key)  # checked first, and again once this is the one writer
    if done is None:
        pieces = [
            (day, rows.slice(start, FILE_ROWS))
            for day, rows in _by_day(table)
            for start in range(0, rows.num_rows, FILE_ROWS)
        ]
        with _one_writer(root):
            done = _entry(root, key)
            if done is None:
                return _write(root, key, pieces, table.num_rows)
    return [root / name for name in done.files]


def _write(root: Path, key: str, pieces: list[tuple[datetime.date, pa.Table]], rows: int):
    """Write every file under staging, say where they go, place them, then list them.

    A failure (or a kill) before the files are placed leaves the staging folder; after, the
    intent too: the next writer removes both, so the import is either listed whole or not at all.
    """
    staging = root / f"{STAGING}{uuid.uuid4().hex}"
    staging.mkdir()

    def write(number: int, piece: pa.Table) -> Path:
        path = staging / f"{number}.parquet"
        pq.write_table(piece, path, compression="zstd", row_group_size=FILE_ROWS)
        return path

    try:
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            paths = list(pool.map(write, range(len(pieces)), [piece for _day, piece in pieces]))
        targets = [
            root / f"day={day.isoformat()}" / f"part-{uuid.uuid4().hex}.parquet"
            for day, _piece in pieces
        ]
        entry = Entry(key, tuple(_relative(root, t) for t in targets), rows)
        _save(root, entry, _entry_path(root, key, PENDING))
        for path, target in zip(paths, targets, strict=True):
            target.parent.mkdir(exist_ok=True)
            os.replace(path, target)
        _save(root, entry, _entry_path(root, key, LISTED))
        _entry_path(root, key, PENDING).unlink()
        return targets
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def content_key(table: pa.Table) -> str:
    """``rows:<sha256>`` of the table's rows (as an Arrow stream, schema metadata aside)."""
    sink = _Digest()
    table = table.replace_schema_metadata(None).combine_chunks()
    with pa.ipc.new_stream(pa.PythonFile(sink, mode="w"), table.schema) as writer:
        writer.write_table(table)
    return f"rows:{sink.sha256.hexdigest()}"


class _Digest(io.RawIOBase):
    """A sink that only hashes what is written to it."""

    def __init__(self):
        super().__init__()
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha256.update(data)
        return len(data)


# --- the manifest -----------------------------------------------------------------------------


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _entry_path(root: Path, key: str, suffix: str) -> Path:
    """Entries are named by the hash of their key: any text is a key, and a name stays short."""
    return root / MANIFEST / f"{hashlib.sha256(key.encode()).hexdigest()}{suffix}"


def _entry(root: Path, key: str) -> Entry | None:
    try:
        return _parsed(_entry_path(root, key, LISTED))
    except FileNotFoundError:
        return None


def _listed(root: Path) -> frozenset[str] | None:
    """Every file the manifest lists; None for a dataset no writer has given a manifest yet."""
    try:
        names = [e.path for e in os.scandir(root / MANIFEST) if e.name.endswith(LISTED)]
    except FileNotFoundError:
        return None
    listed: set[str] = set()
    for path in names:
        with contextlib.suppress(FileNotFoundError):  # removed by an administrator meanwhile
            listed.update(_parsed(Path(path)).files)
    return frozenset(listed)


def _parsed(path: Path) -> Entry:
    """The entry in ``path``, parsed once per version of the file (each save is a new file)."""
    stat = path.stat()
    return _parse(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1 << 16)
def _parse(path: str, _inode: int, _mtime: int, _size: int) -> Entry:
    return _read(Path(path))


def _read(path: Path) -> Entry:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Entry(data["key"], tuple(data["files"]), int(data["rows"]))


def _save(root: Path, entry: Entry, target: Path) -> None:
    """Write an entry (or an intent) whole: to a staging file first, then renamed to ``target``."""
    data = {
        "key": entry.key,
        "files": list(entry.files),
        "rows": entry.rows,
        "written_at": clock.real_now().isoformat(timespec="seconds"),
    }
    temporary = root / f"{STAGING}{uuid.uuid4().hex}.json"
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, target)


@contextlib.contextmanager
def _one_writer(root: Path) -> Iterator[None]:
    """Hold the dataset's lock, after clearing what writers that died left behind.

    Every writer makes its staging and intents under this lock, so whatever of them is found
    once the lock is held belongs to a writer that is gone. The lock file is never removed: two
    writers must lock the same file.
    """
    with open(root / LOCK, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _recover(root)
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _recover(root: Path) -> None:
    """Remove what dead writers left: staging, and the placed files of intents never listed."""
    for leftover in root.glob(f"{STAGING}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    if not (root / MANIFEST).is_dir():
        _start_manifest(root)
        return
    for intent in (root / MANIFEST).glob(f"*{PENDING}"):
        if not intent.with_suffix(LISTED).exists():  # placed, never listed: never read, removed
            for name in _read(intent).files:
                (root / name).unlink(missing_ok=True)
        intent.unlink()


def _start_manifest(root: Path) -> None:
    """The manifest of a dataset written before manifests: its files listed as ``legacy``.

    Built aside and renamed into place, so a reader sees either no manifest (and reads every
    file) or the manifest with the legacy entry, never a manifest without it.
    """
    legacy = sorted(_relative(root, p) for p in root.glob(PART_GLOB))
    fresh = root / f"{STAGING}{uuid.uuid4().hex}"
    fresh.mkdir()
    if legacy:
        rows = sum(pq.read_metadata(root / name).num_rows for name in legacy)
        entry = Entry(LEGACY, tuple(legacy), rows)
        _save(root, entry, fresh / _entry_path(root, LEGACY, LISTED).name)
    os.rename(fresh, root / MANIFEST)


def _by_day(table: pa.Table) -> list[tuple[datetime.date, pa.Table]]:
    """Each day with its rows (``day`` dropped), in their order within the day."""
    days = table.column("day")
    if days.null_count:
        raise ValueError("every row appended to the analytic store needs its day")
    rows = table.drop_columns(["day"])
    if len(pc.unique(days)) > 1:
        order = pc.sort_indices(days)  # a stable sort: a day's rows keep their order
        rows, days = rows.take(order), days.take(order)
    counts = {c["values"].as_py(): c["counts"].as_py() for c in pc.value_counts(days)}
    found, start = [], 0
    for day in sorted(counts):
        found.append((day, rows.slice(start, counts[day])))
        start += counts[day]
    return found


def scan(con: duckdb.DuckDBPyConnection, name: str, paths: list[Path], view: str) -> None:
    """Make ``view`` in ``con`` the rows of the given files of ``name`` (``day`` included).

    ``paths`` come from ``files``, so only complete imports are read. An empty list gives an empty
    view with no columns known, so callers check ``paths`` first.
    """
    if not paths:
        raise ValueError(f"dataset {name!r} has no files for this query")
    listed = ", ".join(f"'{p}'" for p in paths)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM read_parquet([{listed}], "
        "hive_partitioning = true, hive_types = {'day': DATE})"
    )


def read(name: str, days: Iterable[datetime.date] | None = None) -> pa.Table:
    """Every row of a dataset (or of some days) as one Arrow table; for tests and small data."""
    paths = files(name, days)
    if not paths:
        return pa.table({})
    con = connect()
    try:
        scan(con, name, paths, "dataset")
        return con.sql("SELECT * FROM dataset").to_arrow_table()
    finally:
        con.close()

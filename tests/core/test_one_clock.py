"""The platform reads the time in one place, ``core.clock`` (docs/decisions/0030): a call to the
server's clock anywhere else would ignore an instance's own time (the demo's September 2021) and
the pinned clock that writes history as it happened. Tests may read the server's time."""

import re
from pathlib import Path

import pingji

PACKAGE = Path(pingji.__file__).parent
SERVER_TIME = re.compile(
    r"timezone\.now\b|timezone\.localdate\(\)|date\.today\b|datetime\.now\b|datetime\.utcnow\b"
    r"|auto_now(_add)?=True"
)


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or path.name == "clock.py":
            continue
        yield path


def test_nothing_but_the_clock_reads_the_server_time():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{n}: {line.strip()}"
        for path in _sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SERVER_TIME.search(line)
    ]
    assert not found, "read pingji.core.clock instead:\n" + "\n".join(found)


def test_the_check_sees_a_server_time_call():
    assert SERVER_TIME.search("at = at or timezone.now()")
    assert SERVER_TIME.search("created_at = models.DateTimeField(auto_now_add=True)")
    assert SERVER_TIME.search("since = models.DateField(default=datetime.date.today)")
    assert not SERVER_TIME.search("at = at or clock.now()")

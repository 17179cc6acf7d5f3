"""No input makes the API fail with a server error: schemathesis against /api/schema/.

Every GET operation, and a bounded set of writes, is called with requests generated from the
OpenAPI schema, valid and invalid (huge numbers, odd dates, NUL bytes, unknown fields), as a
county commander with an API token. A 5xx fails the test; a 4xx is the expected answer to bad
input. Examples per operation are few (``MAX_EXAMPLES``) so the run stays within minutes on a
small machine; the seed is fixed so a failure can be replayed.
"""

import itertools
import re

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from pingji.users.choices import Role

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 5
#: The writes fuzzed besides every read: records a county creates, each in one action.
WRITES = (
    r"^/api/areas/checkpoints/$",
    r"^/api/areas/checkpoints/\{id\}/days/$",
    r"^/api/areas/lifting-steps/\{id\}/take/$",
    r"^/api/geo/places/$",
    r"^/api/people/households/$",
    r"^/api/preparedness/sites/$",
    r"^/api/preparedness/sites/\{id\}/reports/$",
    r"^/api/quarantine/sites/$",
    r"^/api/reopening/establishments/$",
    r"^/api/resources/facilities/$",
)

WRITTEN = re.compile("|".join(WRITES))
_app = WSGIHandler()


@pytest.fixture
def token(make_user):
    from pingji.users.tokens import issue_token

    commander = make_user(Role.COMMANDER, "350322")
    return issue_token(commander, name="fuzz")[1]


@pytest.fixture
def keep_test_connection():
    """The test's database transaction must survive each request, as Django's test client
    ensures: the WSGI handler would otherwise close the connection when a request ends."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(token, settings, keep_test_connection):
    settings.JOBS_BACKEND = "sync"
    settings.ALLOWED_HOSTS = ["*"]
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", _app, headers=headers)
    return schema.include(_fuzzed)


def _fuzzed(ctx) -> bool:
    operation = ctx.operation
    method = operation.method.upper()
    return method == "GET" or (method == "POST" and bool(WRITTEN.match(operation.path)))


def test_no_request_makes_a_server_error(api_schema, token):
    """Each operation's generated requests, collected so one run names every failing one.

    Driven with Hypothesis directly rather than through schemathesis' pytest plugin, whose lazy
    fixture loader does not run under this project's pytest version.
    """
    headers = {"Authorization": f"Token {token}"}
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 150  # every read, not a schema that failed to load

    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: the case is reported as is
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} → {response.status_code}: "
                    f"{response.text[:300]}\n  replay: {case.as_curl_command()}"
                )

        try:
            call()
        except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
            assert mode == schemathesis.GenerationMode.NEGATIVE
    assert not failures, "\n".join(failures)

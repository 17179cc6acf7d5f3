"""Messaging fixtures: a real SMTP server (aiosmtpd) and a real HTTP gateway (``http.server``)
on free local ports, the gateways configured to reach them, and recipients of 仙游县 and 湖里区.
"""

import json
import socket
import threading
import time
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from pingji.people.tests.factories import HouseholdFactory, PersonFactory
from pingji.users.choices import Role

GRID = "350322100001001"
HULI_GRID = "350206001001001"
SECRET = "receipt-secret"
#: What the gateway waits before answering a "hang": well past the gateways' timeout.
HANG_SECONDS = 1.5
TIMEOUT = 0.4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler keeping every message it accepted."""

    def __init__(self):
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        self.messages.append(
            {"to": envelope.rcpt_tos, "data": envelope.content.decode("utf-8", "replace")}
        )
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server, and Django's SMTP backend pointed at it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


class Gateway:
    """What the local HTTP gateway received, and what it answers next (``plan``: a list of
    200/400/500/"hang", consumed in order; then 200)."""

    def __init__(self, url: str):
        self.url = url
        self.requests: list[dict] = []
        self.plan: list = []
        self.lock = threading.Lock()

    def next_answer(self):
        with self.lock:
            return self.plan.pop(0) if self.plan else 200


def _handler(gateway: Gateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            answer = gateway.next_answer()
            with gateway.lock:
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
                )
            if answer == "hang":
                time.sleep(HANG_SECONDS)
                answer = 200
            payload = json.loads(body)
            key = payload.get("id") or payload.get("msgid")
            reply = {"id": f"r-{key}", "errcode": 0, "msgid": f"r-{key}"}
            if answer != 200:
                reply = {"error": f"answer {answer}"}
            data = json.dumps(reply).encode()
            with suppress(OSError):  # the client gave up (the timeout case)
                self.send_response(answer)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def http_gateway():
    """A real HTTP server standing in for the SMS and IM providers."""
    port = free_port()
    gateway = Gateway(f"http://127.0.0.1:{port}/send")
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(gateway))
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield gateway
    server.shutdown()
    server.server_close()


@pytest.fixture
def gateways(settings, smtp_server, http_gateway):
    """Every channel configured against the local servers; jobs run at commit."""
    settings.JOBS_BACKEND = "sync"
    settings.MESSAGING_BACKOFF_SECONDS = 0
    settings.MESSAGING_MAX_ATTEMPTS = 3
    settings.MESSAGING_GATEWAYS = {
        "email": {"timeout": TIMEOUT},
        "sms": {"url": http_gateway.url, "secret": SECRET, "timeout": TIMEOUT, "token": "t"},
        "im": {"url": http_gateway.url + "/im", "secret": SECRET, "timeout": TIMEOUT},
    }
    return settings.MESSAGING_GATEWAYS


@pytest.fixture
def no_gateways(settings):
    settings.JOBS_BACKEND = "sync"
    settings.MESSAGING_GATEWAYS = {}


@pytest.fixture
def resident(tree):
    return PersonFactory(
        name="林秀英",
        id_number="350322199001011234",
        phone="13805951234",
        household=HouseholdFactory(jurisdiction=tree[GRID]),
    )


@pytest.fixture
def huli_resident(tree):
    return PersonFactory(
        name="黄志明",
        id_number="350206198505052345",
        phone="13905925678",
        household=HouseholdFactory(jurisdiction=tree[HULI_GRID]),
    )


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, "350322", email="op@xianyou.example.cn")


@pytest.fixture
def huli_operator(make_user):
    return make_user(Role.OPERATOR, "350206", email="op@huli.example.cn")


@pytest.fixture
def grid_worker(make_user):
    return make_user(Role.GRID_WORKER, GRID)

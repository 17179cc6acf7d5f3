"""Gateways: how a message leaves the platform, one interface for every channel (0043, point 7).

``gateway.send(outgoing) -> receipt id``. A failure worth trying again (the service down, a
timeout, a 5xx) raises ``Transient``; a refusal (a 4xx, an address the gateway cannot deliver
to) raises ``Refused`` with the reason. The message id travels as the idempotency key, so a
gateway that honours it never shows a person the same message twice when a worker that died
after sending is followed by another that sends again.

Configuration, ``settings.MESSAGING_GATEWAYS`` (default ``{}``: nothing is sent, the demo's
messages wait in the outbox with "no gateway configured")::

    MESSAGING_GATEWAYS = {
        "email": {},  # Django's mail settings: EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT…
        "sms": {"url": "https://sms.example/send", "token": "…", "secret": "…", "timeout": 5},
        "im": {"url": "https://im.example/message/send", "token": "…", "secret": "…"},
    }

The key is the channel; ``secret`` signs the delivery receipts the gateway posts back
(``receipts``). docs/messaging.md describes each field.
"""

import json
import smtplib
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from pingji.core.jobs import Transient

from .addresses import MOBILE
from .choices import Channel

#: Seconds an HTTP gateway or the SMTP server may take to answer before it counts as down.
DEFAULT_TIMEOUT = 10.0


class Refused(Exception):
    """The gateway refused the message for good (its reason is the message's error)."""


@dataclass(frozen=True)
class Outgoing:
    """What a gateway is handed: the message id (idempotency key), plain address and texts."""

    id: int
    address: str
    subject: str
    body: str


class Gateway(ABC):
    """The interface: ``send`` returns the gateway's receipt id or raises Transient/Refused."""

    channel = ""

    def __init__(self, name: str, config: dict[str, Any]):
        self.name, self.config = name, config
        self.timeout = float(config.get("timeout", DEFAULT_TIMEOUT))

    @abstractmethod
    def send(self, outgoing: Outgoing) -> str: ...


class EmailGateway(Gateway):
    """E-mail through Django's mail framework and its configured backend (host, port, TLS)."""

    channel = Channel.EMAIL

    def send(self, outgoing: Outgoing) -> str:
        key = f"<pingji-message-{outgoing.id}@{settings.DEFAULT_FROM_EMAIL.partition('@')[2]}>"
        mail = EmailMessage(
            outgoing.subject,
            outgoing.body,
            from_email=self.config.get("from") or settings.DEFAULT_FROM_EMAIL,
            to=[outgoing.address],
            headers={"Message-ID": key, "X-Pingji-Message": str(outgoing.id)},
            connection=get_connection(timeout=self.timeout),
        )
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise Refused(f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise Refused(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise Transient(f"SMTP {exc.smtp_code}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise Transient(f"mail server: {exc}") from exc
        return key


class HttpGateway(Gateway):
    """POST a JSON body to the configured URL, with the message id as the idempotency key."""

    @abstractmethod
    def payload(self, outgoing: Outgoing) -> dict:
        """The JSON body this provider's API expects."""

    def receipt_of(self, answer: dict, outgoing: Outgoing) -> str:
        return str(answer.get("id") or answer.get("msgid") or outgoing.id)

    def send(self, outgoing: Outgoing) -> str:
        answer = self.post(self.payload(outgoing), str(outgoing.id))
        return self.receipt_of(answer, outgoing)

    def post(self, payload: dict, key: str) -> dict:
        headers = {"Content-Type": "application/json", "Idempotency-Key": key}
        if self.config.get("token"):
            headers["Authorization"] = f"Bearer {self.config['token']}"
        request = urllib.request.Request(
            self.config["url"], data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode(errors="replace")
            if exc.code >= 500 or exc.code == 429:  # overloaded: worth trying again later
                raise Transient(f"HTTP {exc.code}: {detail}") from exc
            raise Refused(f"HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise Transient(f"{self.name} unreachable: {exc}") from exc
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = {}
        return answer if isinstance(answer, dict) else {}


class HttpSmsGateway(HttpGateway):
    """An SMS provider's HTTP API: ``{"id", "to", "text"}``; answers ``{"id": receipt}``."""

    channel = Channel.SMS

    def send(self, outgoing: Outgoing) -> str:
        if not MOBILE.match(outgoing.address):
            raise Refused("not a mainland mobile number")  # never handed to the provider
        return super().send(outgoing)

    def payload(self, outgoing: Outgoing) -> dict:
        return {"id": str(outgoing.id), "to": outgoing.address, "text": outgoing.body}


class HttpImGateway(HttpGateway):
    """Enterprise messaging with a WeCom-like API: a text message to an account's user id;
    answers ``{"errcode": 0, "msgid": …}`` and refuses with a non-zero ``errcode``."""

    channel = Channel.IM

    def payload(self, outgoing: Outgoing) -> dict:
        return {
            "touser": outgoing.address,
            "msgtype": "text",
            "text": {"content": f"{outgoing.subject}\n{outgoing.body}"},
            "msgid": str(outgoing.id),
        }

    def receipt_of(self, answer: dict, outgoing: Outgoing) -> str:
        if answer.get("errcode", 0) not in (0, "0"):
            raise Refused(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
        return super().receipt_of(answer, outgoing)


KINDS: dict[str, type[Gateway]] = {
    Channel.EMAIL: EmailGateway,
    Channel.SMS: HttpSmsGateway,
    Channel.IM: HttpImGateway,
}


def configuration() -> dict[str, dict]:
    """``settings.MESSAGING_GATEWAYS`` (default ``{}``: no gateway, nothing is sent)."""
    return dict(getattr(settings, "MESSAGING_GATEWAYS", {}) or {})


def for_channel(channel: str) -> Gateway | None:
    """The gateway configured for ``channel``, or None (its messages wait in the outbox)."""
    config = configuration().get(channel)
    if config is None:
        return None
    kind = KINDS[config.get("kind", channel)]
    return kind(channel, dict(config))


def configured_channels() -> list[str]:
    return [c for c in configuration() if c in KINDS]


def secret_of(name: str) -> str:
    """The secret that signs the receipts of gateway ``name`` ("" when none is configured)."""
    return str(configuration().get(name, {}).get("secret", ""))

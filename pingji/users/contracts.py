"""What the users domain tells the others: its event kinds and their payloads.

Accounts are the first thing an auditor asks about: who created or changed an account and its
role, when a password was set by someone else or changed by its owner (every token revoked then),
and which service accounts hold which grants.

Other apps call into users through ``roles.role_allows`` (tasks, the demo), ``roles.needs_otp``
and ``otp.ensure_device``/``otp.mark_verified`` (core's login pages).
"""

from typing import TypedDict

from pingji.core.events import declare


class UserCreatedPayload(TypedDict):
    role: str


class UserChangedPayload(TypedDict):
    fields: list[str]


class PasswordSetPayload(TypedDict):
    token_revoked: bool


class PasswordChangedPayload(TypedDict):
    #: changed (knowing the old one) or reset (by e-mail link).
    how: str
    token_revoked: bool


class ServiceAccountPayload(TypedDict):
    grants: list[str]


USER_CREATED = declare("users.user_created", "an account created", UserCreatedPayload)
USER_CHANGED = declare("users.user_changed", "an account changed", UserChangedPayload)
PASSWORD_SET = declare(
    "users.password_set", "a password set by an administrator", PasswordSetPayload
)
PASSWORD_CHANGED = declare(
    "users.password_changed", "a password changed or reset by its owner", PasswordChangedPayload
)
SERVICE_ACCOUNT_CREATED = declare(
    "users.service_account_created", "a service account created", ServiceAccountPayload
)

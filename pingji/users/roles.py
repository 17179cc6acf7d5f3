"""What each role may do: the permission matrix, in one place.

Permissions are Django's ``app.action_model`` codenames; ``RoleBackend`` grants them from the
user's role, so no group has to be kept in sync. Scoping by jurisdiction is separate and always
applies (``core.access``). ``*`` stands for every model of the app.
"""

from fnmatch import fnmatch
from functools import cache

from django.conf import settings
from django.contrib.auth.backends import BaseBackend, ModelBackend

from pingji.core import shared_cache

from .choices import Role

_READ_ALL = [
    "geo.view_*",
    "people.view_*",
    "tasks.view_*",
    "protocols.view_*",
    "command.view_*",
    "cases.view_*",
    "tracing.view_*",
    "quarantine.view_*",
    "testing.view_*",
    "areas.view_*",
    "reopening.view_*",
    "resources.view_*",
    "preparedness.view_*",
    "analytics.view_*",
    "reports.view_*",
    "notices.view_*",
    "messaging.view_*",
    "exchange.view_*",
    "health_codes.view_*",
    "scenarios.view_*",
    "core.view_job",
    "core.view_domainevent",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMANDER: _READ_ALL
    + [
        "command.add_modeswitch",
        "tasks.*_task",
        "people.reveal_person",
        "core.add_job",
        "areas.*",
        "command.*",
        "reopening.*",
        # the roles that propose lifting weigh it on scenarios first (docs/scenarios.md)
        "scenarios.*",
        "tasks.*",
        "reports.*",
        "notices.*",
        "messaging.*",
        # the commander acts on early warnings (switch to emergency) and runs drills
        "preparedness.change_alert",
        "preparedness.*_drill",
        "preparedness.*_drillfinding",
        "preparedness.*_drillsteprecord",
    ],
    Role.EPIDEMIOLOGIST: _READ_ALL
    + [
        "cases.add_case",
        "cases.change_case",
        "tracing.add_*",
        "tracing.change_*",
        "tracing.respond_dispatch",
        "people.add_*",
        "people.change_*",
        "people.reveal_person",
        "tasks.add_task",
        "tasks.change_task",
        "tasks.verify_task",
        "core.add_job",
        "quarantine.add_*",
        "quarantine.change_*",
        "testing.*",
        "areas.add_*",
        "areas.change_*",
        "scenarios.add_*",
        "scenarios.change_*",
        "analytics.*",
        # the epidemiologist files the direct-report cards and exchanges with the lab and CDC
        "exchange.*",
        # and receives the big-data bureau's lists, and instructs the health-code system
        "health_codes.*",
    ],
    Role.OPERATOR: _READ_ALL
    + [
        "tracing.respond_dispatch",  # the receiving county answers dispatches (协查)
        "people.add_*",
        "people.change_*",
        "geo.add_place",
        "geo.change_place",
        "tasks.add_task",
        "tasks.change_task",
        "tasks.verify_task",
        "tasks.add_workplan",
        "tasks.change_workplan",
        "core.add_job",
        "quarantine.*",
        "testing.*",
        "areas.add_*",
        "areas.change_*",
        "scenarios.add_*",
        "scenarios.change_*",
        "reopening.*",
        "resources.*",
        "preparedness.*",
        "notices.*",
        "messaging.*",
    ],
    Role.SITE_MANAGER: [
        "geo.view_*",
        "people.view_*",
        "tasks.view_task",
        "tasks.change_task",
        "quarantine.view_*",
        "quarantine.add_*",
        "quarantine.change_*",
        # the site hands out the release certificate and the home-monitoring notice
        "notices.view_notice",
    ],
    Role.GRID_WORKER: [
        "geo.view_*",
        "people.view_*",
        "tasks.view_task",
        "tasks.change_task",
        # door checks find residents nobody registered: the grid worker records them on the spot
        "people.add_person",
        "people.change_person",
        "people.add_household",
        "people.change_household",
        "quarantine.view_*",
        "quarantine.add_*",
        # a lost phone: the grid worker withdraws the person's self-report link
        "quarantine.change_selfreportlink",
        "testing.view_*",
        # the grid worker records the single-tube retest of a positive pool's member
        "testing.change_followup",
        # the grid worker surveys its grid's houses for mosquito larvae (dengue)
        "preparedness.view_vectorsurvey",
        "preparedness.add_vectorsurvey",
        # the grid worker prints and hands out the notices of its grid's residents
        "notices.view_notice",
    ],
    Role.LIAISON: [
        "geo.view_*",
        "tasks.view_task",
        "tasks.change_task",
        "reopening.view_*",
        "reopening.add_*",
        "reopening.change_*",
    ],
    Role.AUDITOR: _READ_ALL
    + ["core.view_objectchange", "users.view_user", "users.view_accessrefusal"],
    # nothing by role: a service account reads only what it is granted (user_permissions)
    Role.SERVICE: [],
    Role.ADMINISTRATOR: _READ_ALL
    + [
        "users.*",
        "protocols.*",
        "geo.*",
        "people.*",
        "tasks.*",
        "command.*",
        "cases.*",
        "tracing.*",
        "quarantine.*",
        "testing.*",
        "areas.*",
        "reopening.*",
        "resources.*",
        "preparedness.*",
        "analytics.*",
        "reports.*",
        "notices.*",
        "messaging.*",
        "exchange.*",
        "health_codes.*",
        "scenarios.*",
        "core.view_objectchange",
        "core.*_job",
    ],
}


@cache
def role_allows(role: str, perm: str) -> bool:
    """Whether the role grants ``perm``. The matrix is a constant, so each (role, permission) is
    matched once per process: masking asks for every row of a list or an export."""
    return any(fnmatch(perm, pattern) for pattern in ROLE_PERMISSIONS.get(role, ()))


class RoleBackend(BaseBackend):
    """Grants the permissions of the user's role (authentication stays with ModelBackend)."""

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return bool(
            user_obj.is_active
            and getattr(user_obj, "role", "")
            and role_allows(user_obj.role, perm)
        )


class PasswordBackend(ModelBackend):
    """Django's password backend, closed to service accounts: they authenticate by token only.

    Permissions come from the role (``RoleBackend``); only a service account has grants of its
    own (``user_permissions``), and groups are not used. So the two permission queries Django's
    backend makes on every request's first ``has_perm`` are made for service accounts only.
    """

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "role", "") != Role.SERVICE

    def get_user(self, user_id):
        """The session's user, read through the shared cache (``core.shared_cache``): every
        request reads it. Still refused when it may not log in."""
        user = shared_cache.read(
            user_key(user_id), lambda: super(PasswordBackend, self).get_user(user_id)
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        if getattr(user_obj, "role", "") != Role.SERVICE:
            return set()
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()


def user_key(pk) -> str:
    """The shared cache's key of a user (``PasswordBackend.get_user``)."""
    return f"pingji:user:{pk}"


def needs_otp(user) -> bool:
    """Whether the user must pass the second factor: whoever may reveal personal data.

    ``settings.REQUIRE_OTP`` is on by default; it exists for an embedded install without phones.
    """
    return bool(
        settings.REQUIRE_OTP and user.is_authenticated and user.has_perm("people.reveal_person")
    )

"""Accounts: every user has one role and one jurisdiction, the two inputs of every access check."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel, ScopedQuerySet
from pingji.core.audit import AuditedManager
from pingji.core.links import detail_url

from .choices import Role


class UserManager(DjangoUserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who works in the platform, at one level of the jurisdiction tree.

    The level of a commander (province, city, county…) is the level of their jurisdiction, so one
    role serves all three levels of the joint command (平急一体化).
    """

    scope_field = "jurisdiction__code"
    audit_exclude = ("password", "last_login")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("work phone"), max_length=20, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def get_absolute_url(self) -> str:
        return detail_url("users:user_detail", self.pk)

    @property
    def scope(self) -> str:
        return self.jurisdiction_id or ""


class ApiToken(models.Model):
    """An API token, stored as a keyed hash: a stolen database does not hold usable tokens.

    The token is ``<prefix>.<secret>``; the prefix finds the row, the HMAC-SHA256 of the whole
    token (key derived from SECRET_KEY, ``tokens.digest``) proves it. A fast keyed hash, not the
    password hasher: a token has 256 bits of entropy, so slowing guesses down buys nothing, and
    every API request checks one. Shown once when created (``pingji token USERNAME``).
    """

    audit_exclude = ("digest", "last_used")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=clock.real_now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = AuditedManager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.prefix}"


class AccessRefusal(ScopedModel):
    """A request an authenticated user was refused: 403, or 404 (outside their area looks absent).

    The path is kept without its query string, which may carry personal data (a search by
    identity number). Scoped by the user's jurisdiction at the time, for the auditors there.
    """

    scope_field = "jurisdiction_code"

    time = models.DateTimeField(_("time"), default=clock.real_now, editable=False, db_index=True)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="refusals"
    )
    jurisdiction_code = models.CharField(_("jurisdiction code"), max_length=15, blank=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"))
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("refused access")
        verbose_name_plural = _("refused access")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["jurisdiction_code", "time"])]

    def __str__(self) -> str:
        return f"{self.status} {self.method} {self.path}"

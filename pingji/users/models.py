"""Accounts: every user has one role and one jurisdiction, the two inputs of every access check."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core.access import ScopedQuerySet

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
        return reverse("users:user_detail", args=[self.pk])

    @property
    def scope(self) -> str:
        return self.jurisdiction_id or ""

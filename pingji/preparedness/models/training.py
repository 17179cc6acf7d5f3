"""Training courses and who attended them, by role and jurisdiction."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingji.core.access import ScopedModel
from pingji.core.links import detail_url
from pingji.users.choices import PERSON_ROLE_CHOICES


class Course(ScopedModel):
    """A training session held by a jurisdiction for a role (epidemiologists, operators…)."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    role = models.CharField(_("for role"), max_length=20, choices=PERSON_ROLE_CHOICES)
    held_on = models.DateField(_("held on"))
    hours = models.PositiveSmallIntegerField(_("hours"), default=2)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_url("preparedness:course_detail", self.pk)


class Attendance(ScopedModel):
    """A user who attended a course (and passed its assessment or not)."""

    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    passed = models.BooleanField(_("passed"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["course_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.course}"

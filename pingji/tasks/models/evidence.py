"""Evidence files of a task: several photos or documents per submission, checked and kept."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingji.core import clock
from pingji.core.access import ScopedModel


class EvidenceFile(ScopedModel):
    """One file submitted as evidence (a photo of a posted notice, a scanned register…).

    The content type is the one sniffed from the file's first bytes when it was accepted
    (``tasks.evidence.sniff``), never the one the browser claimed; the file is only ever served as
    a download with that type, so an uploaded page can never run in the platform's origin.
    Files stay when a task is sent back and resubmitted: they are part of the record.
    """

    scope_field = "task__jurisdiction__code"

    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def download_url(self) -> str:
        return reverse("tasks:evidence_download", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

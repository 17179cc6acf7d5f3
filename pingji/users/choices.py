from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMANDER = "commander", _("commander")
    EPIDEMIOLOGIST = "epidemiologist", _("epidemiologist")
    OPERATOR = "operator", _("operator")
    SITE_MANAGER = "site-manager", _("quarantine site manager")
    GRID_WORKER = "grid-worker", _("grid worker")
    LIAISON = "liaison", _("enterprise liaison")
    AUDITOR = "auditor", _("auditor")
    ADMINISTRATOR = "administrator", _("administrator")

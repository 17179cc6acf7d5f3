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
    #: A system that pulls feeds: no password login, a token, and only the view permissions an
    #: administrator grants it explicitly (docs/decisions/0034-perimeter.md).
    SERVICE = "service", _("service account")


#: The roles of people, without the service account (a system, opened by `pingji
#: service_account`): what the account form and training courses offer.
PERSON_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value != Role.SERVICE]

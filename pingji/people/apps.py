from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "pingji.people"
    label = "people"
    verbose_name = _("People")
    nav = ((_("People"), "people:person_list", None),)

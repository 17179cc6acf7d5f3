from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo province: loads the real divisions and a synthetic population over them.

    It sits above every domain app (it may import them all; none imports it).
    """

    name = "pingji.demo"
    label = "demo"
    verbose_name = _("Demo province")

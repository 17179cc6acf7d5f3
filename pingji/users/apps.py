from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "pingji.users"
    label = "users"
    verbose_name = _("Users")
    nav = (
        (_("Users"), "users:user_list", "users.view_user", "admin"),
        (_("Refused access"), "users:refusal_list", "users.view_accessrefusal", "admin"),
    )

    def ready(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from pingji.core.shared_cache import forget_on_change

        from .models import User
        from .otp import device_key
        from .roles import user_key

        forget_on_change(User, lambda user: user_key(user.pk))
        forget_on_change(TOTPDevice, lambda device: device_key(device.persistent_id))

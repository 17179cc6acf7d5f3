"""``pingji otp USERNAME``: the user's current two-factor code (for the demo and for support).

It reads the device's secret from the database, so it is for the demo and for an administrator
at the server, never a substitute for the user's own authenticator app in production.
"""

from django.core.management.base import BaseCommand, CommandError

from pingji.users.models import User
from pingji.users.otp import current_code, device_for, secret_base32


class Command(BaseCommand):
    help = "Print a user's current two-factor login code (and with --secret, the secret)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--secret", action="store_true", help="also print the base32 secret")

    def handle(self, *args, username, secret=False, **options):
        user = User.objects.filter(username=username).first()
        device = device_for(user) if user is not None else None
        if device is None:
            raise CommandError(f"{username!r} has no confirmed two-factor device")
        if secret:
            self.stderr.write(f"secret (base32): {secret_base32(device)}")
        self.stdout.write(current_code(device))

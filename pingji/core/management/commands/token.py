"""``pingji token USERNAME``: print the user's API token, creating it on first use."""

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from pingji.users.models import User


class Command(BaseCommand):
    help = "Print a user's API token (Authorization: Token <token>)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="replace the existing token")

    def handle(self, *args, username, rotate=False, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"no active user {username!r}") from exc
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)

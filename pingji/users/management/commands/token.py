"""``pingji token USERNAME``: issue a new API token and print it, once (it is stored hashed)."""

from django.core.management.base import BaseCommand, CommandError

from pingji.users.models import User
from pingji.users.tokens import issue_token, revoke_tokens


class Command(BaseCommand):
    help = (
        "Issue a new API token for a user and print it once (Authorization: Token <token>); "
        "only its keyed hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, e.g. the system")
        parser.add_argument("--days", type=int, help="lifetime (default PINGJI_TOKEN_DAYS, 30)")
        parser.add_argument(
            "--rotate", action="store_true", help="revoke the user's other tokens first"
        )
        parser.add_argument(
            "--revoke", action="store_true", help="only revoke the user's tokens, issue none"
        )

    def handle(self, *args, username, name="", days=None, rotate=False, revoke=False, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"no active user {username!r}") from exc
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        if rotate or revoke:
            count = revoke_tokens(user)
            self.stderr.write(f"revoked {count} token(s) of {username}")
        if revoke:
            return
        row, token = issue_token(user, name=name, days=days)
        self.stderr.write(f"expires {row.expires_at:%Y-%m-%d %H:%M %Z}; shown only now")
        self.stdout.write(token)

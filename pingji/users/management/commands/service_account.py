"""``pingji service_account NAME --jurisdiction CODE --grant app.view_model …``: an account for a
system that pulls feeds. No password; get its token with ``pingji token NAME``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from pingji.geo.models import Jurisdiction
from pingji.users.actions.accounts import do_create_service_account
from pingji.users.models import User


class Command(BaseCommand):
    help = "Create a read-only service account (token login only) with explicit view permissions."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--jurisdiction", required=True, help="the code it reads within")
        parser.add_argument(
            "--grant", action="append", default=[], help="a view permission, e.g. cases.view_case"
        )
        parser.add_argument("--by", required=True, help="the administrator (username) who opens it")

    def handle(self, *args, username, jurisdiction, grant, by, **options):
        actor = User.objects.filter(username=by, is_active=True).first()
        place = Jurisdiction.objects.filter(code=jurisdiction).first()
        if actor is None or place is None:
            raise CommandError("unknown --by user or --jurisdiction code")
        try:
            user = do_create_service_account(
                actor=actor, username=username, jurisdiction=place, grants=grant
            )
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"service account {user.username}; now run: pingji token {user.username}")

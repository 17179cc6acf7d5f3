"""``pingji loadprotocols``: (re)load the national protocol versions shipped with the package."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pingji.protocols.actions.versions import do_load_national_protocols


class Command(BaseCommand):
    help = (
        "Create the national protocol versions (8th edition, 9th edition, 20 measures, Class B) "
        "from pingji/protocols/data, and reset any that differ from the files. Provincial "
        "versions are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-changes",
            action="store_true",
            help="only create missing versions; leave existing national rows as they are",
        )

    def handle(self, *args, keep_changes=False, **options):
        try:
            counts = do_load_national_protocols(update=not keep_changes)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                "national protocols: {created} created, {updated} updated, "
                "{unchanged} unchanged".format(**counts)
            )
        )

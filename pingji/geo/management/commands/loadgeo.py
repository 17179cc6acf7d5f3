"""``pingji loadgeo``: load the real divisions and boundaries (the shipped files by default)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pingji.geo.loaders import (
    DEFAULT_BOUNDARIES,
    DEFAULT_DIVISIONS,
    load_boundaries,
    load_divisions,
)


class Command(BaseCommand):
    help = "Load the jurisdiction tree from a divisions CSV and boundaries from GeoJSON files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--divisions",
            default=str(DEFAULT_DIVISIONS),
            help="divisions CSV (default: the shipped Fujian file)",
        )
        parser.add_argument(
            "--boundaries",
            nargs="*",
            default=[str(p) for p in DEFAULT_BOUNDARIES],
            metavar="GEOJSON",
            help="GeoJSON FeatureCollections with an adcode property (default: the shipped "
            "city and county files; give the option with no file to skip boundaries)",
        )

    def handle(self, *args, divisions, boundaries, **options):
        try:
            with transaction.atomic():  # boundaries that fail undo the divisions too
                loaded = load_divisions(divisions)
                shapes = load_boundaries(boundaries, divisions=divisions) if boundaries else None
        except ValidationError as exc:
            raise CommandError("Nothing was loaded:\n  " + "\n  ".join(exc.messages)) from exc
        self.stdout.write(
            f"Divisions: {loaded['rows']} rows ({loaded['created']} new, "
            f"{loaded['updated']} updated)."
        )
        if shapes:
            self.stdout.write(f"Boundaries: {shapes['boundaries']} jurisdictions.")

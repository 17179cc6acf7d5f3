"""How static files are stored and served: compressed, under names that change with their content.

``pingji collectstatic`` writes each file under a content-hashed name with gzip (and Brotli, when
installed) copies beside it, and WhiteNoise, early in the middleware, serves the smallest one the
browser accepts with a year's cache: a phone on a grid worker's data plan downloads the
stylesheet once per release, compressed. Where no collection ran (the demo, the test suite) names
stay plain and the files come straight from the apps, so nothing has to be built to try Pingji.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CompressedStaticFiles(CompressedManifestStaticFilesStorage):
    """Hashed and compressed after ``collectstatic``; plain names before it, not an error."""

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest: nothing was collected, the apps serve the file
            return name
        return super().stored_name(name)

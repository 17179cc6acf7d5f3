"""The environment of a test run, set before pytest-django loads the settings.

Loaded with ``-p`` (pyproject's ``addopts``), so it runs before any conftest: pytest-django reads
the settings while pytest starts, and the settings read these variables when they are imported.

* ``PINGJI_DATA_DIR``: a fresh folder, so a run never writes into a real installation's data.
* ``PINGJI_FIELD_KEY``: a throw-away key. A test run is not a deployment, but with
  ``DATABASE_URL`` set the settings refuse to start without a key from outside the data directory
  (docs/decisions/0034-perimeter.md).

Either can still be given by the caller (CI gives its own data folder).
"""

import os
import secrets
import tempfile

os.environ.setdefault("PINGJI_DATA_DIR", tempfile.mkdtemp(prefix="pingji-test-"))
os.environ.setdefault("PINGJI_FIELD_KEY", secrets.token_urlsafe(48))

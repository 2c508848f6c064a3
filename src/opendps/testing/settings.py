"""Settings for the test suite: the production settings, read with test defaults.

pytest-django imports settings before any conftest runs, so the test environment is set
here, before ``opendps.settings`` reads it.
"""

import os
from pathlib import Path

os.environ.setdefault("OPENDPS_TESTING", "1")
os.environ.setdefault("OPENDPS_VAR_DIR", str(Path(__file__).resolve().parents[3] / "var" / "test"))

from opendps.settings import *  # noqa: F403

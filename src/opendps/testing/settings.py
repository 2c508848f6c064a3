"""Settings for the test suite: the production settings, read with test defaults.

pytest-django imports settings before any conftest runs, so the test environment is set
here, before ``opendps.settings`` reads it.
"""

import os
from pathlib import Path

os.environ.setdefault("OPENDPS_TESTING", "1")
os.environ.setdefault("OPENDPS_VAR_DIR", str(Path(__file__).resolve().parents[3] / "var" / "test"))

# The API's rate limits stay on, high enough that no test (every request of a test process
# comes from one address) meets them; web/tests/test_api_rate.py tests them with low ones.
os.environ.setdefault("OPENDPS_API_RATE_LIMIT", "1000000/minute")
os.environ.setdefault("OPENDPS_API_ADDRESS_RATE_LIMIT", "1000000/minute")

from opendps.settings import *  # noqa: F403

# One test database per test process, so parallel runs (two developers, two suites) never
# share a file or a PostgreSQL database.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": (
        str(VAR_DIR / f"test_opendps_{os.getpid()}.sqlite3")  # noqa: F405
        if DATABASES["default"]["ENGINE"].endswith("sqlite3")  # noqa: F405
        else f"test_opendps_{os.getpid()}"
    )
}

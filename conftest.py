"""Test set-up shared by every app: settings, a real SMTP server, people, a browser."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("OPENDPS_TESTING", "1")
os.environ.setdefault(
    "OPENDPS_VAR_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "var", "test")
)

pytest_plugins = ["opendps.testing.fixtures"]

# Keep the test run's files (media, SQLite) out of the working folder's real data.
tempfile.tempdir = None

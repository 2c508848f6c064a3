"""Test set-up shared by every app lives in opendps.testing (settings and fixtures)."""

pytest_plugins = ["opendps.testing.fixtures"]

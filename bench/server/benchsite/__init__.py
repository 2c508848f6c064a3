"""Benchmark-only Django site: the production settings plus a no-op POST endpoint.

The rush benchmark runs ``opendps serve`` with ``DJANGO_SETTINGS_MODULE=benchsite.settings``
and ``bench/server`` on PYTHONPATH, so the server is the production one with one more URL.
"""

"""The production settings, with a URLconf that adds ``POST /bench/noop``."""

from opendps.settings import *  # noqa: F403

ROOT_URLCONF = "benchsite.urls"

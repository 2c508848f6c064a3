"""The OCID prefix is checked at start: one not of the registrable form stops the service;
the placeholder default passes, but ``check --deploy`` warns about it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks

from opendps.publication.checks import PLACEHOLDER_OCID_PREFIX


def ids(**kwargs: Any) -> list[str]:
    return [m.id for m in run_checks(**kwargs) if m.id and m.id.startswith("publication.")]


@pytest.mark.parametrize(
    "prefix",
    [
        "ocds-opendps",  # the old default: seven characters
        "ocds-abc12",
        "OCDS-abc123",
        "ocds-ABC123",
        "ocds-abc_12",
        "abc123",
        "ocds-abc123-",
        "",
        None,
    ],
)
def test_a_malformed_prefix_is_an_error(settings: Any, prefix: Any):
    settings.OPENDPS_OCID_PREFIX = prefix
    (message,) = [m for m in run_checks() if m.id == "publication.E001"]
    assert message.is_serious()
    assert repr(prefix) in message.msg
    assert "'ocds-' and six lower-case letters or digits" in message.msg


@pytest.mark.parametrize("prefix", ["ocds-a1b2c3", "ocds-213czf", "ocds-test01", "ocds-000000"])
def test_a_registrable_prefix_passes(settings: Any, prefix: str):
    settings.OPENDPS_OCID_PREFIX = prefix
    assert ids() == []
    assert ids(include_deployment_checks=True) == []


def test_the_placeholder_default_passes_but_a_deploy_check_warns(settings: Any):
    settings.OPENDPS_OCID_PREFIX = PLACEHOLDER_OCID_PREFIX
    assert ids() == []
    assert ids(include_deployment_checks=True) == ["publication.W001"]


def test_settings_default_to_the_placeholder():
    """The value settings.py gave, without the environment variable (the tests' own prefix
    is set on django.conf.settings, not on the module)."""
    import os

    import opendps.settings

    if "OPENDPS_OCID_PREFIX" in os.environ:
        pytest.skip("OPENDPS_OCID_PREFIX is set in the environment")
    assert opendps.settings.OPENDPS_OCID_PREFIX == PLACEHOLDER_OCID_PREFIX

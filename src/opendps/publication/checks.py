"""System checks run at start (``manage.py check``, ``runserver``, ``migrate``): the open data
settings must be usable before anything is published.

The OCID prefix is registered with the Open Contracting Partnership: ``ocds-`` and six
lower-case letters or digits (OCDS 1.1, "Identifiers": "Contracting process identifier",
https://standard.open-contracting.org/1.1/en/schema/identifiers/). Every OCID and party id
is built from it, so a malformed one would be published in every release and could never be
changed without renaming every contracting process.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

OCID_PREFIX_FORM = re.compile(r"ocds-[a-z0-9]{6}")
# The default in settings.py: of the registrable form, so that the app runs, but nobody's.
PLACEHOLDER_OCID_PREFIX = "ocds-xxxxxx"

PREFIX_MALFORMED = (
    "OPENDPS_OCID_PREFIX is %(prefix)r: an OCID prefix is 'ocds-' and six lower-case letters "
    "or digits, as registered with the Open Contracting Partnership (such as 'ocds-a1b2c3')."
)
PREFIX_PLACEHOLDER = (
    "OPENDPS_OCID_PREFIX is the placeholder %(prefix)r: set it to the prefix registered for "
    "this service with the Open Contracting Partnership before publishing open data."
)


@register()
def ocid_prefix_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """An error for a prefix not of the registrable form."""
    prefix = getattr(settings, "OPENDPS_OCID_PREFIX", None)
    if not isinstance(prefix, str) or not OCID_PREFIX_FORM.fullmatch(prefix):
        return [
            Error(
                PREFIX_MALFORMED % {"prefix": prefix},
                hint="Register a prefix with the Open Contracting Partnership (see "
                "https://standard.open-contracting.org/1.1/en/schema/identifiers/) and set "
                "OPENDPS_OCID_PREFIX to it.",
                id="publication.E001",
            )
        ]
    return []


@register(deploy=True)
def ocid_prefix_deploy_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``check --deploy`` warns while the placeholder is still in use."""
    if getattr(settings, "OPENDPS_OCID_PREFIX", None) == PLACEHOLDER_OCID_PREFIX:
        return [
            Warning(PREFIX_PLACEHOLDER % {"prefix": PLACEHOLDER_OCID_PREFIX}, id="publication.W001")
        ]
    return []

"""The web shell's pages: home (public and signed in), information pages, error pages."""

from opendps.web.views.errors import (
    bad_request,
    method_not_allowed_page,
    page_not_found,
    permission_denied,
    server_error,
)
from opendps.web.views.home import healthz, home, readyz
from opendps.web.views.info import (
    accessibility,
    cookies,
    feedback,
    help_and_contact,
    open_data,
    privacy,
)
from opendps.web.views.language import language

__all__ = [
    "accessibility",
    "bad_request",
    "cookies",
    "feedback",
    "healthz",
    "help_and_contact",
    "home",
    "language",
    "method_not_allowed_page",
    "open_data",
    "page_not_found",
    "permission_denied",
    "privacy",
    "readyz",
    "server_error",
]

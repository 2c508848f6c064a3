"""Counting the platform's own answers to tender submissions, and failed health checks."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from opendps.availability.health import availability_count

logger = logging.getLogger(__name__)

# Tender submissions: the page, the one-step answer from a standing offer, the API.
SUBMISSION_PATHS = re.compile(
    r"^/(?:calls/\d+/tender(?:/from-offer)?|api/v1/competitions/\d+/tenders)/?$"
)
HEALTH_PATH = "/readyz"


class AvailabilityMiddleware:
    """Outermost of our middleware, so it sees every 5xx, including those Django makes
    from an exception deeper down. Counting never fails a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        try:
            if request.method == "POST" and SUBMISSION_PATHS.match(request.path_info):
                availability_count(server_error=response.status_code >= 500)
            elif request.path_info == HEALTH_PATH and response.status_code >= 500:
                availability_count(health_failure=True, request=False)
        except Exception:  # the database may be what is failing
            logger.exception("availability not counted")
        return response

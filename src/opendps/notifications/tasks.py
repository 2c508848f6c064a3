"""Background jobs that deliver email through the real SMTP backend."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from huey.contrib.djhuey import task


@task(retries=5, retry_delay=60)
def deliver_email(payload: dict[str, Any]) -> None:
    """Send one message; huey retries it if the mail server is unavailable."""
    alternatives = payload.pop("alternatives", [])
    message = EmailMultiAlternatives(**payload)
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    with get_connection(settings.OPENDPS_DELIVERY_EMAIL_BACKEND) as connection:
        connection.send_messages([message])

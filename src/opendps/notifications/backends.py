"""An email backend that hands each message to the job queue.

Every email — ours and Django's own (password reset) — goes through the queue, so a slow or
unavailable mail server never slows a page or fails a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from opendps.notifications.tasks import deliver_email


def message_to_payload(message: EmailMessage) -> dict[str, object]:
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            (content, mimetype) for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            deliver_email(message_to_payload(message))
        return len(email_messages)

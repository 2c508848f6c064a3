"""Queueing notifications: rendered from templates, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from opendps.core.jobs import jobs_are_suppressed


def email_render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render ``email/<template>.txt``: the first line is the subject, the rest the body."""
    text = render_to_string(f"email/{template}.txt", context | {"site_url": settings.SITE_URL})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def email_send_on_commit(*, to: Iterable[str], template: str, context: dict[str, Any]) -> None:
    """Render now (inside the transaction, with its data) and queue once it commits; nothing
    while history is loaded (``opendps.core.jobs.jobs_suppressed``)."""
    if jobs_are_suppressed():
        return
    subject, body = email_render(template, context)
    recipients = sorted(set(to))
    if not recipients:
        return

    def send() -> None:
        # One message per recipient: no one sees who else was told.
        for address in recipients:
            EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()

    transaction.on_commit(send)


def feedback_send(*, actor: Any, message: str, reply_to: str = "") -> None:
    """Feedback from the service's feedback page, to the support team (nothing is stored)."""
    email_send_on_commit(
        to=[settings.OPENDPS_SUPPORT_EMAIL],
        template="feedback",
        context={
            "message": message.strip(),
            "reply_to": reply_to.strip(),
            "signed_in_as": actor.email if getattr(actor, "is_authenticated", False) else "",
        },
    )

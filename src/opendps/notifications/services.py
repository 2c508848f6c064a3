"""Queueing notifications: rendered from templates, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

_suppressed: ContextVar[bool] = ContextVar("opendps_email_suppressed", default=False)


@contextmanager
def emails_suppressed() -> Iterator[None]:
    """Send no email from this block: loading demo or benchmark history tells no one."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def email_render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render ``email/<template>.txt``: the first line is the subject, the rest the body."""
    text = render_to_string(f"email/{template}.txt", context | {"site_url": settings.SITE_URL})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def email_send_on_commit(*, to: Iterable[str], template: str, context: dict[str, Any]) -> None:
    """Render now (inside the transaction, with its data) and queue once it commits."""
    if _suppressed.get():
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

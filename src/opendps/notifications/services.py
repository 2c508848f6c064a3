"""Queueing notifications: rendered from templates, sent after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from opendps.core.jobs import jobs_are_suppressed


def email_render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render ``email/<template>.txt``: the first line is the subject, the rest the body."""
    text = render_to_string(f"email/{template}.txt", context | {"site_url": settings.SITE_URL})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def recipients_by_language(addresses: list[str]) -> dict[str, list[str]]:
    """Addresses grouped by their account's chosen language (one query); an address with no
    account, or no choice, gets the language active now (the page that caused the email)."""
    from django.contrib.auth import get_user_model

    current = translation.get_language() or settings.LANGUAGE_CODE
    chosen = dict(
        get_user_model()
        .objects.filter(email__in=addresses)
        .exclude(language="")
        .values_list("email", "language")
    )
    groups: dict[str, list[str]] = {}
    for address in addresses:
        groups.setdefault(chosen.get(address, current), []).append(address)
    return groups


def email_send_on_commit(*, to: Iterable[str], template: str, context: dict[str, Any]) -> None:
    """Render now (inside the transaction, with its data) and queue once it commits; nothing
    while history is loaded (``opendps.core.jobs.jobs_suppressed``)."""
    if jobs_are_suppressed():
        return
    recipients = sorted(set(to))
    if not recipients:
        return
    # Each recipient reads it in their language: rendered once per language used.
    messages: list[tuple[str, str, str]] = []
    for language, addresses in recipients_by_language(recipients).items():
        with translation.override(language):
            subject, body = email_render(template, context)
        messages += [(subject, body, address) for address in addresses]

    def send() -> None:
        # One message per recipient: no one sees who else was told.
        for subject, body, address in messages:
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

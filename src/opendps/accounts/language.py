"""The one writer of a person's language preference (pages and emails follow it)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts.models import User
from opendps.core.audit import audit_record
from opendps.core.errors import RuleViolation
from opendps.core.events import AuditEventType

LANGUAGE_NOT_OFFERED = _("That language is not offered.")


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@transaction.atomic(durable=True)
def language_choose(*, user: User, language: str) -> User:
    """Keep ``language`` as ``user``'s preference; nothing is recorded if it was already."""
    if language not in language_codes():
        raise RuleViolation(LANGUAGE_NOT_OFFERED)
    if user.language == language:
        return user
    previous = user.language
    user.language = language
    user.save(update_fields=["language"])
    audit_record(
        actor=user,
        event_type=AuditEventType.LANGUAGE_CHOSEN,
        subject=user,
        data={"language": language, "previous": previous},
    )
    return user

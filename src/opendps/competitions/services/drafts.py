"""Changing a draft call before it is published (issue 15: drafts were only cancellable)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.models import User
from opendps.competitions.models import Call
from opendps.competitions.pricing import terms_content
from opendps.competitions.services.calls import draft_values
from opendps.competitions.services.common import BUY_ROLES, lock_call
from opendps.core.audit import audit_record
from opendps.core.errors import Conflict, full_clean_or_refuse
from opendps.core.events import AuditEventType

NOT_A_DRAFT = _("Only a draft call can be changed: once published, send a notice instead.")


@transaction.atomic(durable=True)
def call_update(*, actor: User, call: Call | int, **fields: Any) -> Call:
    """Change every field of a draft call, checked exactly as when it was drafted
    (``draft_values``, the same keyword arguments as ``call_create`` less the category).
    Its reference and category stay; what changed is audited by name."""
    call = lock_call(call)
    permissions.require_role(actor, call.market.authority, BUY_ROLES)
    if call.published_at is not None or call.cancelled_at is not None:
        raise Conflict(NOT_A_DRAFT, code="not_a_draft")
    values = draft_values(actor=actor, category=call.category, **fields)
    terms = values.pop("terms")
    values.pop("category")
    values |= {
        "price_basis": terms.basis,
        "price_unit": terms.unit,
        "expected_quantity": terms.quantity,
    }
    changed = sorted(name for name, value in values.items() if getattr(call, name) != value)
    for name, value in values.items():
        setattr(call, name, value)
    full_clean_or_refuse(call, exclude=["public_key", "wrapped_private_key"])
    call.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CALL_UPDATED,
        subject=call,
        organisation_id=call.buyer_id,
        data={"changed": changed, **terms_content(terms)},
    )
    return call

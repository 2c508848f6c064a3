"""What a call tells its readers besides the notice: documents, amendments and
clarifications."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from opendps.accounts import permissions
from opendps.accounts.permissions import SUPPLIER_ROLES
from opendps.competitions.models import Call, CallAmendment, CallDocument, Clarification
from opendps.competitions.selectors.calls import _is_authority, call_get
from opendps.core.errors import NotFound

DOCUMENT_NOT_FOUND = _("Document not found.")


def call_document_list(actor: Any, *, call: Call) -> list[CallDocument]:
    """The call's specification and pricing schedule, for its authority and its invitees
    only (never on the public pages)."""
    call_get(actor, call_id=call.pk)
    return list(call.documents.order_by("kind"))


def call_document_get(actor: Any, *, call_id: int, kind: str) -> CallDocument:
    call = call_get(actor, call_id=call_id)
    document = call.documents.filter(kind=kind).first()
    if document is None:
        raise NotFound(DOCUMENT_NOT_FOUND)
    return document


def amendment_list(actor: Any, *, call: Call) -> QuerySet[CallAmendment]:
    """Notices and deadline changes of a call, oldest first, for whoever may see the call
    (its authority and its invitees: they were all told)."""
    call_get(actor, call_id=call.pk)
    return call.amendments.select_related("made_by").order_by("made_at", "pk")


def clarification_list(actor: Any, *, call: Call) -> QuerySet[Clarification]:
    """The call's questions, oldest first: every one for its authority; for a supplier, the
    answered ones (shared with every invitee) and those its own organisations asked."""
    questions = call.clarifications.order_by("asked_at")
    if _is_authority(actor, call):
        return questions
    suppliers = permissions.organisation_ids_with_role(actor, SUPPLIER_ROLES)
    return questions.filter(Q(answered_at__isnull=False) | Q(asked_by_id__in=suppliers))

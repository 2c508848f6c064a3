"""/api/v1/competitions/{id}/tenders: sealed tenders (submit, list, withdraw) and opening.

Tender content is readable only by the buying authority, only after the tenders are opened
(Annex IV (b), (d)–(f)); a supplier sees only its own receipts."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Status
from ninja.pagination import paginate

from opendps.accounts import permissions
from opendps.accounts.permissions import AUTHORITY_ROLES
from opendps.competitions import selectors, services
from opendps.competitions.api.common import (
    CallId,
    acting_supplier,
    router,
)
from opendps.competitions.schemas import (
    TENDER_IN_DESCRIPTION,
    OpenedTenderOut,
    OpeningOut,
    ReceiptOut,
    SubmissionOut,
    SupplierChoice,
    TenderFormIn,
    TenderIn,
)
from opendps.competitions.services import tenders as tender_services
from opendps.competitions.services.refusals import TenderAttempt, refusals_audited
from opendps.competitions.status import call_status
from opendps.core.errors import NotFound, RuleViolation
from opendps.web.api_body import MULTIPART, json_body, multipart_parts, validated
from opendps.web.api_pages import Paging
from opendps.web.organisation import AuthedRequest

DOCUMENTS_ONLY = _("Send tender documents as files in the 'documents' field.")


TENDER_REQUEST_BODY = {
    "required": True,
    "description": TENDER_IN_DESCRIPTION,
    "content": {
        "application/json": {"schema": TenderIn.model_json_schema()},
        MULTIPART: {
            "schema": {
                "type": "object",
                "required": ["price"],
                "properties": {
                    "supplier_id": {"type": "integer"},
                    "price": {"type": "string", "description": "The price in pounds."},
                    "answers": {
                        "type": "string",
                        "description": "The answers object (criterion key → text) as JSON.",
                    },
                    "notes": {"type": "string"},
                    "documents": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "maxItems": tender_services.MAX_DOCUMENTS,
                    },
                },
            }
        },
    },
}


@router.post(
    "/competitions/{call_id}/tenders",
    response={201: ReceiptOut},
    summary="Submit (or resubmit) a sealed tender; returns the signed receipt",
    openapi_extra={"requestBody": TENDER_REQUEST_BODY},
)
def tender_submit(request: AuthedRequest, call_id: CallId) -> Status[ReceiptOut]:
    payload, files = _read_tender(request)
    # Visibility only (an EXISTS, not call_get's full row): the service checks the rest.
    if not selectors.call_visible(request.user, call_id=call_id).exists():
        raise NotFound(selectors.CALL_NOT_FOUND)
    supplier = acting_supplier(request.user, payload.supplier_id, tender_services.NOT_INVITED)
    submission = services.tender_submit(
        actor=request.user,
        call=call_id,
        supplier=supplier,
        price=payload.price,
        answers=payload.answers,
        notes=payload.notes,
        files=files,
    )
    return Status(201, ReceiptOut.build(submission))


@router.get(
    "/competitions/{call_id}/tenders",
    response=list[SubmissionOut | OpenedTenderOut],
    summary="A supplier: its own receipts. The buying authority: the tenders, once opened",
)
@paginate(Paging)
@refusals_audited(TenderAttempt.READ)
def tender_list(
    request: AuthedRequest, call_id: CallId
) -> list[SubmissionOut] | list[OpenedTenderOut]:
    call = selectors.call_get(request.user, call_id=call_id)
    if permissions.has_role(request.user, call.buyer_id, AUTHORITY_ROLES):
        opened = selectors.tender_list_opened(request.user, call_id=call.pk)
        return [OpenedTenderOut.build(tender) for tender in opened]
    own = selectors.receipts_for_supplier(request.user, call_id=call.pk)
    return [SubmissionOut.build(submission) for submission in own]


@router.post(
    "/competitions/{call_id}/tenders/withdraw",
    response=SubmissionOut,
    summary="Withdraw your tender before the deadline (you may tender again); no body",
)
def tender_withdraw(
    request: AuthedRequest, call_id: CallId, choice: Query[SupplierChoice]
) -> SubmissionOut:
    call = selectors.call_get(request.user, call_id=call_id)
    supplier = acting_supplier(request.user, choice.supplier_id, tender_services.NOT_INVITED)
    submission = services.tender_withdraw(actor=request.user, call=call, supplier=supplier)
    return SubmissionOut.build(submission)


@router.post(
    "/competitions/{call_id}/open",
    response={200: OpeningOut, 202: OpeningOut},
    summary="Open the tenders after the deadline (two officers where the market says so)",
)
@refusals_audited(TenderAttempt.OPEN)
def call_open(request: AuthedRequest, call_id: CallId) -> Status[OpeningOut]:
    call = selectors.call_get(request.user, call_id=call_id)
    call = services.call_open(actor=request.user, call=call)
    pending = tender_services.is_opening_pending_second_officer(call)
    return Status(
        202 if pending else 200,
        OpeningOut(
            call_id=call.pk,
            status=call_status(call).value,
            opened=call.opened_at is not None,
            opened_at=call.opened_at,
            opening_requested_at=call.opening_requested_at,
            detail=str(tender_services.SECOND_OFFICER_NEEDED) if pending else None,
        ),
    )


# --- parsing a tender ----------------------------------------------------------------------


def _read_tender(request: HttpRequest) -> tuple[TenderIn, list[UploadedFile]]:
    """The tender from a JSON body, or from a multipart form with its documents."""
    parts = multipart_parts(request)
    if parts is None:
        return validated(TenderIn, json_body(request), "body"), []
    form, uploads = parts
    if set(uploads) - {"documents"}:
        raise RuleViolation(DOCUMENTS_ONLY, code="documents_only")
    data: dict[str, Any] = {
        "price": form.get("price"),
        "answers": form.get("answers") or "{}",
        "notes": form.get("notes") or "",
    }
    if form.get("supplier_id"):
        data["supplier_id"] = form["supplier_id"]
    parsed = validated(TenderFormIn, data, "form")
    return TenderIn(**parsed.model_dump()), list(uploads.getlist("documents"))

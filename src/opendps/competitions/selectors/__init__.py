"""Reads of calls, tenders, scores and feedback, scoped to what the actor may see.

- A call is visible to its buying authority and to the suppliers invited to it.
- Opened tender content: only the buying authority's people, only after opening.
- A supplier sees only its own receipts and its own feedback.
- An evaluator sees other evaluators' scores only after submitting their own.
- A call's award, contract, moderation and count of tenders: only its authority's people
  (the count only once the deadline has passed).
"""

from opendps.competitions.selectors.awards import (
    FEEDBACK_NOT_FOUND,
    _authority_record,
    award_for_call,
    contract_for_call,
    feedback_for_supplier,
    feedback_winner_name,
    moderation_for_call,
    placement_not_taken,
)
from opendps.competitions.selectors.calls import (
    CALL_NOT_FOUND,
    _authority_call,
    _call_scope,
    _is_authority,
    call_get,
    call_list,
    call_list_count_scope_of,
    call_list_plain_of,
    call_scope_of_organisations,
    call_scope_organisations,
    call_scope_q,
    call_visible,
    invited_calls,
)
from opendps.competitions.selectors.documents import (
    DOCUMENT_NOT_FOUND,
    amendment_list,
    call_document_get,
    call_document_list,
    clarification_list,
)
from opendps.competitions.selectors.evaluation import (
    MODERATOR_ONLY_ROLES,
    calls_to_evaluate,
    conflict_declaration_for_evaluator,
    scoresheets_visible,
)
from opendps.competitions.selectors.offers import (
    CATEGORY_NOT_FOUND,
    PLANNED_CALL_NOT_FOUND,
    planned_call_get,
    planned_call_list,
    standing_offers_in_category,
)
from opendps.competitions.selectors.tenders import (
    CONFLICTED_READER,
    TENDERS_SEALED,
    _own_tenders,
    bidder_names,
    receipt_live_for_supplier,
    receipts_for_supplier,
    tender_count_live,
    tender_list_opened,
)

__all__ = [
    "CALL_NOT_FOUND",
    "CATEGORY_NOT_FOUND",
    "CONFLICTED_READER",
    "DOCUMENT_NOT_FOUND",
    "FEEDBACK_NOT_FOUND",
    "MODERATOR_ONLY_ROLES",
    "PLANNED_CALL_NOT_FOUND",
    "TENDERS_SEALED",
    "_authority_call",
    "_authority_record",
    "_call_scope",
    "_is_authority",
    "_own_tenders",
    "amendment_list",
    "award_for_call",
    "bidder_names",
    "call_document_get",
    "call_document_list",
    "call_get",
    "call_list",
    "call_list_count_scope_of",
    "call_list_plain_of",
    "call_scope_of_organisations",
    "call_scope_organisations",
    "call_scope_q",
    "call_visible",
    "calls_to_evaluate",
    "clarification_list",
    "conflict_declaration_for_evaluator",
    "contract_for_call",
    "feedback_for_supplier",
    "feedback_winner_name",
    "invited_calls",
    "moderation_for_call",
    "placement_not_taken",
    "planned_call_get",
    "planned_call_list",
    "receipt_live_for_supplier",
    "receipts_for_supplier",
    "scoresheets_visible",
    "standing_offers_in_category",
    "tender_count_live",
    "tender_list_opened",
]

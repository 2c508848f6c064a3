"""Every change to calls for competition, split by stage of the procedure."""

from opendps.competitions.services.amendments import call_extend_deadline, call_notice_send
from opendps.competitions.services.award import (
    award_decide,
    award_notice_record,
    call_close_no_compliant,
    contract_conclude,
)
from opendps.competitions.services.calls import call_cancel, call_create
from opendps.competitions.services.clarifications import clarification_answer, clarification_ask
from opendps.competitions.services.documents import call_document_attach
from opendps.competitions.services.drafts import call_update
from opendps.competitions.services.evaluation import (
    conflict_declare,
    moderation_record,
    scoresheet_save,
    tender_exclude,
)
from opendps.competitions.services.offers import (
    planned_call_announce,
    planned_call_withdraw,
    standing_offer_save,
    tender_from_standing_offer,
)
from opendps.competitions.services.opening import call_open
from opendps.competitions.services.own_tender import tender_own_read
from opendps.competitions.services.publishing import call_publish
from opendps.competitions.services.tenders import tender_submit, tender_withdraw

__all__ = [
    "award_decide",
    "award_notice_record",
    "call_cancel",
    "call_close_no_compliant",
    "call_create",
    "call_document_attach",
    "call_extend_deadline",
    "call_notice_send",
    "call_open",
    "call_publish",
    "call_update",
    "clarification_answer",
    "clarification_ask",
    "conflict_declare",
    "contract_conclude",
    "moderation_record",
    "planned_call_announce",
    "planned_call_withdraw",
    "scoresheet_save",
    "standing_offer_save",
    "tender_exclude",
    "tender_from_standing_offer",
    "tender_own_read",
    "tender_submit",
    "tender_withdraw",
]

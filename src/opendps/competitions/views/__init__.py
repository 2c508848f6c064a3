"""Pages for calls for competition: buyers run a call, evaluators score, suppliers tender.

Each view parses input, calls one service or selector, and renders. Who may see a call is
``selectors.call_get``'s business (anyone else gets "not found", whoever guesses its id);
who may change it is the services'. Tender content reaches a page only through
``selectors.tender_list_opened``, so before the box is opened a buyer's page can show how
many tenders arrived, once the deadline has passed, and nothing else (Directive 2014/24/EU
Annex IV (b)). A refused attempt on tender data is audited by ``refusals_audited``.

The pages live in modules by area: ``calls``, ``tendering``, ``evaluations``, ``awards``
and ``offers``, with shared pieces in ``common``. This package re-exports every view, so
the URLconf keeps saying ``views.call_detail``. No module is named after a view it holds
(``tenders``, ``evaluation``, ``award``): the view would hide the module on the package.
"""

from opendps.competitions.views.amendments import (
    call_deadline_change,
    call_document,
    call_documents,
    call_notice,
)
from opendps.competitions.views.awards import award, award_confirm, contract_conclude, feedback
from opendps.competitions.views.calls import (
    buyer_calls,
    call_cancel,
    call_close,
    call_create,
    call_detail,
    call_edit,
    call_open,
    call_publish,
    planned_call_announce,
    planned_call_withdraw,
    question_answer,
    question_ask,
)
from opendps.competitions.views.common import (
    STATUS_TAG_CLASSES,
    criteria_rows,
    ms_text,
    status_tag,
    time_left,
)
from opendps.competitions.views.evaluations import (
    evaluation,
    evaluator_calls,
    moderation,
    tender_exclude,
    tenders,
)
from opendps.competitions.views.offers import (
    invitations,
    standing_offer_edit,
    standing_offers,
)
from opendps.competitions.views.opportunities import (
    award_list,
    opportunity_detail,
    opportunity_list,
)
from opendps.competitions.views.tendering import (
    receipt,
    receipt_download,
    receipts,
    tender_document,
    tender_submit,
    tender_withdraw,
)
from opendps.competitions.views.verification import receipt_verify

__all__ = [
    "STATUS_TAG_CLASSES",
    "award",
    "award_confirm",
    "award_list",
    "buyer_calls",
    "call_cancel",
    "call_close",
    "call_create",
    "call_deadline_change",
    "call_detail",
    "call_document",
    "call_documents",
    "call_edit",
    "call_notice",
    "call_open",
    "call_publish",
    "contract_conclude",
    "criteria_rows",
    "evaluation",
    "evaluator_calls",
    "feedback",
    "invitations",
    "moderation",
    "ms_text",
    "opportunity_detail",
    "opportunity_list",
    "planned_call_announce",
    "planned_call_withdraw",
    "question_answer",
    "question_ask",
    "receipt",
    "receipt_download",
    "receipt_verify",
    "receipts",
    "standing_offer_edit",
    "standing_offers",
    "status_tag",
    "tender_document",
    "tender_exclude",
    "tender_submit",
    "tender_withdraw",
    "tenders",
    "time_left",
]

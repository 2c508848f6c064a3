"""Every change to applications, category membership, declarations and debarment.

One module per area; this package re-exports the services, so callers write
``membership.services.application_submit`` whatever module holds it.
"""

from opendps.membership.services.applications import application_submit, application_withdraw
from opendps.membership.services.assessment import (
    application_decide,
    application_extend_assessment,
    first_period_applications_all_assessed,
)
from opendps.membership.services.common import (
    ALREADY_APPLIED,
    ALREADY_DECIDED,
    ALREADY_EXTENDED,
    ALREADY_MEMBER,
    ALREADY_SUSPENDED,
    APPLY_ROLES,
    ASSESS_ROLES,
    CANNOT_ADMIT_FAILED,
    CATEGORY_NOT_IN_MARKET,
    DEBARRED,
    DECLARATION_ANSWERED,
    DECLARATION_PENDING,
    MANAGE_ROLES,
    MARKET_NOT_OPEN,
    MEMBER_REMOVED,
    NO_CATEGORY_CHOSEN,
    NOT_A_SUPPLIER,
    NOT_SUSPENDED,
    REASON_PER_FAILED_QUESTION,
    REASON_REQUIRED,
    REJECT_NEEDS_A_REASON,
    UNKNOWN_QUESTION,
    UPLOAD_NOT_A_FILE_QUESTION,
    is_debarred,
)
from opendps.membership.services.debarment import debarment_add, debarment_lift
from opendps.membership.services.drafts import (
    DRAFT_SENT,
    draft_questions,
    draft_save_section,
    draft_start,
    draft_submit,
    profile_answers,
)
from opendps.membership.services.evidence import (
    evidence_add,
    evidence_reminders_send,
    evidence_remove,
)
from opendps.membership.services.grouped import application_decide_group
from opendps.membership.services.members import (
    declaration_answer,
    declaration_questions,
    declaration_request,
    member_reinstate,
    member_remove,
    member_suspend,
)

__all__ = [
    "ALREADY_APPLIED",
    "ALREADY_DECIDED",
    "ALREADY_EXTENDED",
    "ALREADY_MEMBER",
    "ALREADY_SUSPENDED",
    "APPLY_ROLES",
    "ASSESS_ROLES",
    "CANNOT_ADMIT_FAILED",
    "CATEGORY_NOT_IN_MARKET",
    "DEBARRED",
    "DECLARATION_ANSWERED",
    "DECLARATION_PENDING",
    "DRAFT_SENT",
    "MANAGE_ROLES",
    "MARKET_NOT_OPEN",
    "MEMBER_REMOVED",
    "NOT_A_SUPPLIER",
    "NOT_SUSPENDED",
    "NO_CATEGORY_CHOSEN",
    "REASON_PER_FAILED_QUESTION",
    "REASON_REQUIRED",
    "REJECT_NEEDS_A_REASON",
    "UNKNOWN_QUESTION",
    "UPLOAD_NOT_A_FILE_QUESTION",
    "application_decide",
    "application_decide_group",
    "application_extend_assessment",
    "application_submit",
    "application_withdraw",
    "debarment_add",
    "debarment_lift",
    "declaration_answer",
    "declaration_questions",
    "declaration_request",
    "draft_questions",
    "draft_save_section",
    "draft_start",
    "draft_submit",
    "evidence_add",
    "evidence_reminders_send",
    "evidence_remove",
    "first_period_applications_all_assessed",
    "is_debarred",
    "member_reinstate",
    "member_remove",
    "member_suspend",
    "profile_answers",
]
